package io.bulwark.rules;

import java.time.Duration;

/** What makes a {@code @Requires2FA} declaration sound, checked alike by the processor and the runtime. Not API. */
public final class TwoFactorRules {

    /** The longest max age: a step-up older than a working day is no step-up. Sessions are remembered this long. */
    public static final Duration MAX_AGE_LIMIT = Duration.ofHours(24);

    private TwoFactorRules() {
    }

    /**
     * The max age {@code text} stands for.
     *
     * @throws IllegalArgumentException with the catalogue's message
     */
    public static Duration maxAge(String text) {
        Duration d;
        try {
            d = DurationSyntax.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Message.MAX_AGE.format(text));
        }
        if (d.compareTo(MAX_AGE_LIMIT) > 0) {
            throw new IllegalArgumentException(Message.MAX_AGE.format(text));
        }
        return d;
    }
}
