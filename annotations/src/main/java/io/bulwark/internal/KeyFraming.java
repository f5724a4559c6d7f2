package io.bulwark.internal;

/**
 * How the values of a key template become one key: each value as {@code <length>:<text>}, {@code -} for null.
 * Unambiguous, so that no value can be made to run into the next. Shared by the compiled templates and by
 * {@link io.bulwark.RateLimits#reset}, which must name exactly the same key. Not API.
 */
public final class KeyFraming {

    private KeyFraming() {
    }

    public static void append(StringBuilder key, String value) {
        if (value == null) {
            key.append('-');
        } else {
            key.append(value.length()).append(':').append(value);
        }
    }

    /** The key made of {@code values}, in the template's order. */
    public static String frame(String... values) {
        StringBuilder key = new StringBuilder();
        for (String value : values) {
            append(key, value);
        }
        return key.toString();
    }
}
