package io.bulwark.runtime.config;

import java.time.Duration;

/**
 * What one configuration key accepts: its kind, its default, its range, the values as the documentation lists them
 * and as a problem names them ({@code expected ...}), and whether it is a secret. Built only by {@link ConfigKey}'s
 * table, with the static factories below (plain methods rather than lambdas: the table is read in premain).
 */
final class KeySpec {

    /** What kind of value a key takes; the kinds with a range are checked by {@link ValueParser} alone. */
    enum Kind {
        BOOLEAN, NUMBER, DURATION, SIZE, CHOICE, TEXT, LIST, PATH, URL, KEY
    }

    static final String POSITIVE_DURATION =
            "a positive duration such as 30s, 5m, 1h, 1d, 1h30m or ISO-8601 PT5M, at most 366d";

    final Kind kind;
    /** The value that means the default, as a user would write it; null when the default is not one value. */
    final String literalDefault;
    /** The default in words, when it is not one value ({@code none}, {@code as declared}); else null. */
    final String defaultText;
    final long min;
    final long max;
    final Duration minDuration;
    final Duration maxDuration;
    /** The accepted values as the documentation's table lists them. */
    final String values;
    /** What a problem with this key says was expected. */
    final String expected;
    final boolean secret;

    private KeySpec(Kind kind, String literalDefault, String defaultText, long min, long max, Duration minDuration,
            Duration maxDuration, String values, String expected, boolean secret) {
        this.kind = kind;
        this.literalDefault = literalDefault;
        this.defaultText = defaultText;
        this.min = min;
        this.max = max;
        this.minDuration = minDuration;
        this.maxDuration = maxDuration;
        this.values = values;
        this.expected = expected;
        this.secret = secret;
    }

    static KeySpec bool(String literalDefault) {
        return new KeySpec(Kind.BOOLEAN, literalDefault, null, 0, 0, null, null, "`true`, `false`", "true or false",
                false);
    }

    /** A whole number from {@code min} to {@code max}. */
    static KeySpec number(String literalDefault, long min, long max) {
        return new KeySpec(Kind.NUMBER, literalDefault, null, min, max, null, null, min + " to " + max,
                "a whole number from " + min + " to " + max, false);
    }

    /** A duration from {@code min} to {@code max} as {@code DurationSyntax} parses it. */
    static KeySpec duration(String literalDefault, Duration min, Duration max, String values, String expected) {
        return new KeySpec(Kind.DURATION, literalDefault, null, 0, 0, min, max, values, expected, false);
    }

    /** A duration above zero, up to what {@code DurationSyntax} parses (366 days). */
    static KeySpec positiveDuration() {
        return new KeySpec(Kind.DURATION, null, null, 0, 0, Duration.ofNanos(1), null,
                "a duration above 0, at most `366d`", POSITIVE_DURATION, false);
    }

    static KeySpec kind(Kind kind, String literalDefault, String values, String expected) {
        return new KeySpec(kind, literalDefault, null, 0, 0, null, null, values, expected, false);
    }

    /** The same with its default in words ({@code none}, {@code as declared}) rather than a value. */
    KeySpec byDefault(String text) {
        return new KeySpec(kind, null, text, min, max, minDuration, maxDuration, values, expected, secret);
    }

    /** The same, never shown in a message. */
    KeySpec secret() {
        return new KeySpec(kind, literalDefault, defaultText, min, max, minDuration, maxDuration, values, expected,
                true);
    }
}
