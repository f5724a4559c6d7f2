package io.bulwark.runtime.audit.chain;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A row of {@code audit_retention}: dropping partition {@code partition} (the month it is named for) removed
 * {@code count} of {@code writer}'s events, numbered from {@code minSeq} to {@code maxSeq}. Signed under the chain
 * key by the instance that dropped it, so a row inserted by someone else excuses nothing; it says exactly how many
 * events went (so that one more deleted among them is found), and which retention it applied when (so that the
 * verifier can tell the month had ended longer than that before).
 *
 * @param retention the retention the dropping instance applied
 * @param droppedAt when, to the second
 */
public record RetentionRecord(UUID writer, String partition, long minSeq, long maxSeq, long count, Duration retention,
        Instant droppedAt) {

    private static final Pattern MONTHLY = Pattern.compile("audit_logs_y(\\d{4})m(\\d{2})");

    /** What the signature covers. */
    public String signedText() {
        return "bulwark-retention/1 writer=" + writer + " partition=" + partition + " min=" + minSeq + " max=" + maxSeq
                + " count=" + count + " retention=" + retention.getSeconds() + " dropped=" + droppedAt.getEpochSecond();
    }

    /** When the partition's month ended, or null when its name is not one Bulwark gives a partition. */
    public Instant monthEnd() {
        Matcher m = MONTHLY.matcher(partition);
        if (!m.matches()) {
            return null;
        }
        int month = Integer.parseInt(m.group(2));
        if (month < 1 || month > 12) {
            return null;
        }
        return YearMonth.of(Integer.parseInt(m.group(1)), month).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC)
                .toInstant();
    }

    /**
     * Whether the record is one Bulwark would have made: a monthly partition past its retention when dropped, and a
     * count its numbers can hold.
     */
    public boolean plausible() {
        Instant end = monthEnd();
        return end != null && !end.plus(retention).isAfter(droppedAt) && minSeq >= 1 && maxSeq >= minSeq
                && count >= 1 && count <= maxSeq - minSeq + 1;
    }
}
