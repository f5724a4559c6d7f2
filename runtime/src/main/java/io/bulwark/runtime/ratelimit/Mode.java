package io.bulwark.runtime.ratelimit;

import java.util.Locale;

/**
 * Whether a policy refuses what it does not admit. Configured with {@code bulwark.ratelimit.mode} or
 * {@code bulwark.ratelimit.<name>.mode}; only {@code @RateLimited} policies have one ({@code @Requires2FA} always
 * enforces).
 */
public enum Mode {
    /** Refuses what the limit does not admit: the default. */
    ENFORCE,
    /**
     * Counts as usual and reports what it would refuse (outcome {@code shadow_denied}, an audit note, a log line),
     * but refuses nothing. Counted in state of its own, apart from enforce mode's: see docs/rate-limits.md, "Shadow
     * mode".
     */
    SHADOW;

    /** {@code enforce}, {@code shadow}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code enforce} or {@code shadow}, or null. */
    public static Mode fromConfig(String text) {
        for (Mode m : values()) {
            if (m.configName().equals(text)) {
                return m;
            }
        }
        return null;
    }
}
