package io.bulwark.runtime.ratelimit;

/**
 * The arithmetic of the sliding-window counter, shared by the in-memory cell and mirrored by the Redis script.
 * Windows are fixed, aligned on multiples of the window length; the estimate of calls in the sliding window
 * ending now is {@code previous * (window - elapsed) / window + current}.
 */
final class SlidingWindow {

    private SlidingWindow() {
    }

    /** Start of the fixed window holding {@code now}. */
    static long start(long now, long window) {
        return now - Math.floorMod(now, window);
    }

    /**
     * Microseconds until one more call fits, 0 if it fits now.
     *
     * @param start   start of the current window (as {@link #start})
     * @param current calls counted in the current window
     * @param previous calls counted in the window before it
     */
    static long wait(long now, long start, long current, long previous, long limit, long window) {
        long elapsed = now - start;
        if (estimate(elapsed, current, previous, window) + 1 <= limit) {
            return 0;
        }
        if (current + 1 > limit) {
            // Not in this window: in the next one, this window's count becomes the weighted previous.
            long intoNext = ceil(window * (1 - (double) (limit - 1) / current));
            return window - elapsed + Math.max(0, intoNext);
        }
        // previous > 0 here, or the estimate would fit: wait until enough of it has slid out.
        long at = ceil(window * (1 - (double) (limit - 1 - current) / previous));
        return Math.max(1, at - elapsed);
    }

    /** Microseconds until the estimate is back to zero. */
    static long resetAfter(long now, long start, long current, long previous, long window) {
        if (current > 0) {
            return start + 2 * window - now;
        }
        return previous > 0 ? start + window - now : 0;
    }

    static double estimate(long elapsed, long current, long previous, long window) {
        return previous * (double) (window - elapsed) / window + current;
    }

    private static long ceil(double micros) {
        return (long) Math.ceil(micros);
    }
}
