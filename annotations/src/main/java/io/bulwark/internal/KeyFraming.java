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

    /** The values of a framed key, in order ({@code null} for {@code -}); null when {@code key} is not one. */
    public static java.util.List<String> values(String key) {
        java.util.List<String> values = new java.util.ArrayList<>();
        int i = 0;
        while (i < key.length()) {
            if (key.charAt(i) == '-') {
                values.add(null);
                i++;
                continue;
            }
            int colon = key.indexOf(':', i);
            if (colon <= i) {
                return null;
            }
            int length;
            try {
                length = Integer.parseInt(key, i, colon, 10);
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 0 || colon + 1 + length > key.length()) {
                return null;
            }
            values.add(key.substring(colon + 1, colon + 1 + length));
            i = colon + 1 + length;
        }
        return values;
    }
}
