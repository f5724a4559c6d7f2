package io.bulwark.runtime.ratelimit;

import java.util.Locale;

/**
 * How {@code count = CALLS} is counted. {@code count = FAILURES} always keeps the failures themselves.
 * Configured with {@code bulwark.ratelimit.algorithm} or {@code bulwark.ratelimit.<name>.algorithm}.
 */
public enum Algorithm {
    /**
     * Generic cell rate algorithm: a burst of {@code limit}, refilled continuously at {@code limit} per window.
     * One timestamp of state per key.
     */
    GCRA,
    /**
     * Sliding-window counter: the current fixed window's count plus the previous window's, weighted by how much
     * of it still overlaps the sliding window. Closer to "at most limit in any window"; two counters per key.
     */
    SLIDING_WINDOW;

    /** {@code gcra}, {@code sliding-window}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The algorithm named {@code gcra} or {@code sliding-window}, or null. */
    public static Algorithm fromConfig(String text) {
        for (Algorithm a : values()) {
            if (a.configName().equals(text)) {
                return a;
            }
        }
        return null;
    }
}
