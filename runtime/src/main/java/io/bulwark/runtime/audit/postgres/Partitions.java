package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.chain.ChainKey;
import io.bulwark.runtime.audit.chain.RetentionRecord;
import io.bulwark.runtime.log.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The monthly partitions of {@code audit_logs}: {@code audit_logs_y2026m11} holds November 2026 (UTC). Made a few
 * months ahead, and on demand for an event whose month has none (a journal replayed late, a clock far off); dropped
 * whole once past the retention, recording in {@code audit_retention} what each writer lost with them.
 */
final class Partitions {

    static final int MONTHS_AHEAD = 2;
    /** Partitions are named by four-digit year: events outside years 1 to 9999 get none (and are refused). */
    static final long FIRST_SECOND = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    static final long END_SECOND = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();
    private static final Pattern NAME = Pattern.compile("audit_logs_y(\\d{4})m(\\d{2})");

    private Partitions() {
    }

    static String name(YearMonth month) {
        return String.format("audit_logs_y%04dm%02d", month.getYear(), month.getMonthValue());
    }

    /** Makes the partitions of this month and the next {@link #MONTHS_AHEAD}. Commits. */
    static void ensureAhead(Connection c, Instant now) throws SQLException {
        YearMonth month = YearMonth.from(now.atZone(ZoneOffset.UTC));
        List<YearMonth> months = new ArrayList<>();
        for (int i = 0; i <= MONTHS_AHEAD; i++) {
            months.add(month.plusMonths(i));
        }
        ensure(c, months);
    }

    /** Makes the partitions of {@code months} that do not exist yet. Commits. */
    static void ensure(Connection c, List<YearMonth> months) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + Schema.LOCK + ")");
            for (YearMonth m : months) {
                s.execute("CREATE TABLE IF NOT EXISTS " + name(m) + " PARTITION OF audit_logs FOR VALUES FROM ('"
                        + m.atDay(1) + " 00:00:00+00') TO ('" + m.plusMonths(1).atDay(1) + " 00:00:00+00')");
            }
        }
        c.commit();
    }

    private static final String RECORD = """
            INSERT INTO audit_retention (writer_id, partition_name, min_seq, max_seq, event_count, dropped_at,
                retention_seconds, key_id, signature)
            VALUES (?, ?, ?, ?, ?, to_timestamp(?), ?, ?, ?) ON CONFLICT DO NOTHING""";

    /** Records, signed, what dropping {@code partition} takes of each writer. */
    private static void record(Connection c, Statement s, String partition, Duration retention, Instant now,
            ChainKey key) throws SQLException {
        Instant dropped = Instant.ofEpochSecond(now.getEpochSecond());
        List<RetentionRecord> records = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT writer_id, min(seq), max(seq), count(*) FROM " + partition
                + " GROUP BY writer_id")) {
            while (r.next()) {
                records.add(new RetentionRecord(r.getObject(1, UUID.class), partition, r.getLong(2), r.getLong(3),
                        r.getLong(4), retention, dropped));
            }
        }
        try (PreparedStatement p = c.prepareStatement(RECORD)) {
            for (RetentionRecord record : records) {
                p.setObject(1, record.writer());
                p.setString(2, partition);
                p.setLong(3, record.minSeq());
                p.setLong(4, record.maxSeq());
                p.setLong(5, record.count());
                p.setLong(6, dropped.getEpochSecond());
                p.setLong(7, retention.getSeconds());
                p.setString(8, key.id());
                p.setBytes(9, key.sign(record.signedText()));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /**
     * Drops the partitions whose whole month ended longer than {@code retention} ago, recording for each writer, signed
     * under {@code key}, which of its events went with it (a verifier trusts no other row of that table). Commits.
     *
     * @return the names of the partitions dropped
     */
    static List<String> expire(Connection c, Instant now, Duration retention, ChainKey key) throws SQLException {
        Instant cutoff = now.minus(retention);
        List<String> expired = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT child.relname FROM pg_inherits i "
                        + "JOIN pg_class child ON child.oid = i.inhrelid "
                        + "WHERE i.inhparent = 'audit_logs'::regclass ORDER BY child.relname")) {
            while (r.next()) {
                Matcher m = NAME.matcher(r.getString(1));
                if (m.matches()) {
                    YearMonth month = YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                    Instant end = month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
                    if (!end.isAfter(cutoff)) {
                        expired.add(r.getString(1));
                    }
                }
            }
        }
        c.commit();
        List<String> dropped = new ArrayList<>();
        for (String partition : expired) {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + Schema.LOCK + ")");
                record(c, s, partition, retention, now, key);
                s.execute("DROP TABLE " + partition);
                c.commit();
                dropped.add(partition);
                Log.info("audit: partition " + partition + " dropped (past the retention of " + retention.toDays()
                        + " days)");
            } catch (SQLException e) {
                // Another instance dropped it first (it holds the same lock), or it is in use: next time.
                c.rollback();
            }
        }
        return dropped;
    }
}
