package io.bulwark.runtime.audit.verify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What retention removed of one writer, as its signed records say: the numbers each dropped partition spanned and how
 * many events it held. A missing event is accounted for only inside those spans, and only as many as were dropped:
 * one more deleted among them is found, whatever its number.
 */
final class Expired {

    static final Expired NONE = new Expired();

    /** Merged, sorted, disjoint {@code [from, to]} spans. */
    private final List<long[]> spans = new ArrayList<>();
    private long dropped;

    void add(long minSeq, long maxSeq, long count) {
        dropped += count;
        spans.add(new long[] {minSeq, maxSeq});
        spans.sort(Comparator.comparingLong(s -> s[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] span : spans) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && span[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], span[1]);
            } else {
                merged.add(new long[] {span[0], span[1]});
            }
        }
        spans.clear();
        spans.addAll(merged);
    }

    /** Events retention removed, in all. */
    long dropped() {
        return dropped;
    }

    boolean any() {
        return dropped > 0;
    }

    /** The highest number retention removed, or 0. */
    long maxSeq() {
        return spans.isEmpty() ? 0 : spans.get(spans.size() - 1)[1];
    }

    /** How many of the numbers {@code from} to {@code to} lie inside the spans. */
    long covered(long from, long to) {
        long n = 0;
        for (long[] span : spans) {
            long a = Math.max(from, span[0]);
            long b = Math.min(to, span[1]);
            if (a <= b) {
                n += b - a + 1;
            }
        }
        return n;
    }

    /** The first number from {@code from} to {@code to} outside the spans, or -1 when all are inside. */
    long firstUncovered(long from, long to) {
        long at = from;
        for (long[] span : spans) {
            if (span[1] < at) {
                continue;
            }
            if (span[0] > at) {
                break;
            }
            at = span[1] + 1;
        }
        return at <= to ? at : -1;
    }
}
