package io.bulwark.runtime.config;

import java.util.Locale;

/**
 * One configuration value as the user wrote it: the key in its own spelling, the value, and where it came from.
 *
 * @param key    {@code bulwark.ratelimit.login.limit} or {@code BULWARK_RATELIMIT_LOGIN_LIMIT}
 * @param origin {@code system property}, {@code environment variable}, {@code file bulwark.properties}
 */
record ConfigEntry(String key, String value, String origin) {

    private static final int SHOWN_VALUE_LENGTH = 80;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /**
     * The form every spelling of a key shares: lower case, anything but letters and digits as {@code _}, so that
     * {@code bulwark.data-dir} and {@code BULWARK_DATA_DIR} are the same key.
     */
    static String normalize(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = Character.toLowerCase(key.charAt(i));
            out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
        }
        return out.toString();
    }

    String normalizedKey() {
        return normalize(key);
    }

    /** A problem with this entry: {@code <key> (<origin>) has value '<value>': expected <expected>}. */
    String problem(String expected) {
        return key + " (" + origin + ") has value " + shownValue() + ": expected " + expected;
    }

    /** The value as it may appear in a message: secrets hidden, control characters escaped, long values cut. */
    String shownValue() {
        if (isSecret(normalizedKey())) {
            return "<hidden, " + value.length() + " characters>";
        }
        if (normalizedKey().endsWith("_url") && value.indexOf('@') >= 0) {
            // A URL may carry a password: show where it points, never its credentials.
            return "'<credentials hidden>" + JdbcSettings.hidePassword(value.substring(value.lastIndexOf('@'))) + "'";
        }
        if (normalizedKey().endsWith("_url") && value.toLowerCase(Locale.ROOT).contains("password=")) {
            return "'" + JdbcSettings.hidePassword(value) + "'";
        }
        StringBuilder out = new StringBuilder("'");
        int shown = Math.min(value.length(), SHOWN_VALUE_LENGTH);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                // By hand rather than String.format, whose parser is a regular expression on JDK 17 (premain).
                out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        out.append('\'');
        if (value.length() > shown) {
            out.append(" (").append(value.length() - shown).append(" more characters)");
        }
        return out.toString();
    }

    /**
     * The keys {@link ConfigKey} marks secret, and whatever names a password, token or secret (a policy called
     * {@code password}, say); not {@code max-keys}.
     */
    static boolean isSecret(String normalizedKey) {
        ConfigKey key = ConfigKey.of(normalizedKey);
        return key != null && key.spec.secret || normalizedKey.contains("password") || normalizedKey.contains("secret")
                || normalizedKey.contains("token");
    }
}
