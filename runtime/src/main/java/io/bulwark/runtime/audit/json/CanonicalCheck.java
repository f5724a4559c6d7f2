package io.bulwark.runtime.audit.json;

/**
 * Whether a JSON text is already in {@link CanonicalJson}'s form, read once without building anything: then it is its
 * own canonical form, and the journal thread keeps the very string the capture wrote.
 *
 * <p>Why: parsing every captured argument list into maps and writing it back was 45% of the journal thread's CPU in
 * a JFR profile of {@code AuditThroughputReport} (issue 14: maps, substrings, a builder and a string an event), and
 * what the capture writes is nearly always canonical already (compact, parameters in {@code jsonb}'s key order). The
 * check is conservative: it says yes only to texts the full parse would give back unchanged (compact; ASCII keys
 * without escapes, strictly in order, so no duplicates; strings escaped exactly as {@link JsonText#quote} escapes
 * them; numbers as {@code numeric} prints them, without an exponent, a leading zero or a negative zero), and anything
 * else goes the careful way. {@code CanonicalCheckTest} holds the two to each other on generated texts.
 */
final class CanonicalCheck {

    /** Shallower than {@link CanonicalJson}'s limit: deeper texts are left to the full parse, which refuses them. */
    private static final int MAX_DEPTH = 32;
    /** Longer numbers are left to the full parse (which bounds their exponent and scale). */
    private static final int MAX_NUMBER = 100;
    private static final int NOT = -1;

    private CanonicalCheck() {
    }

    static boolean isCanonical(String json) {
        return value(json, 0, 0) == json.length();
    }

    /** Where the canonical value at {@code at} ends, or {@link #NOT}. */
    private static int value(String s, int at, int depth) {
        if (depth > MAX_DEPTH || at >= s.length()) {
            return NOT;
        }
        char c = s.charAt(at);
        switch (c) {
            case '{':
                return object(s, at + 1, depth);
            case '[':
                return array(s, at + 1, depth);
            case '"':
                return string(s, at + 1);
            case 't':
                return s.startsWith("true", at) ? at + 4 : NOT;
            case 'f':
                return s.startsWith("false", at) ? at + 5 : NOT;
            case 'n':
                return s.startsWith("null", at) ? at + 4 : NOT;
            default:
                return c == '-' || c >= '0' && c <= '9' ? number(s, at) : NOT;
        }
    }

    private static int object(String s, int at, int depth) {
        if (at < s.length() && s.charAt(at) == '}') {
            return at + 1;
        }
        int previousKey = NOT;
        int previousEnd = NOT;
        while (true) {
            if (at >= s.length() || s.charAt(at) != '"') {
                return NOT;
            }
            int key = at + 1;
            int end = string(s, key);
            if (end == NOT || !plainAscii(s, key, end - 1)
                    || previousKey != NOT && compareKeys(s, previousKey, previousEnd, key, end - 1) >= 0) {
                return NOT;
            }
            previousKey = key;
            previousEnd = end - 1;
            if (end >= s.length() || s.charAt(end) != ':') {
                return NOT;
            }
            at = value(s, end + 1, depth + 1);
            if (at == NOT || at >= s.length()) {
                return NOT;
            }
            char c = s.charAt(at++);
            if (c == '}') {
                return at;
            }
            if (c != ',') {
                return NOT;
            }
        }
    }

    private static int array(String s, int at, int depth) {
        if (at < s.length() && s.charAt(at) == ']') {
            return at + 1;
        }
        while (true) {
            at = value(s, at, depth + 1);
            if (at == NOT || at >= s.length()) {
                return NOT;
            }
            char c = s.charAt(at++);
            if (c == ']') {
                return at;
            }
            if (c != ',') {
                return NOT;
            }
        }
    }

    /** From after the opening quote: where the string ends (after its closing quote), when written as quote() does. */
    private static int string(String s, int at) {
        int i = at;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                int next = escape(s, i + 1);
                if (next == NOT) {
                    return NOT;
                }
                i = next;
            } else if (c < 0x20 || Character.isLowSurrogate(c)) {
                return NOT;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return NOT;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return NOT;
    }

    /** After the backslash: where an escape quote() writes ends, or {@link #NOT} for any other. */
    private static int escape(String s, int at) {
        if (at >= s.length()) {
            return NOT;
        }
        switch (s.charAt(at)) {
            case '"', '\\', 'n', 'r', 't', 'b', 'f':
                return at + 1;
            case 'u':
                // quote() writes \\u00xx (lower-case hex) for the control characters it has no short escape for, NUL
                // excepted (it becomes U+FFFD).
                if (at + 4 >= s.length() || s.charAt(at + 1) != '0' || s.charAt(at + 2) != '0') {
                    return NOT;
                }
                int high = s.charAt(at + 3) - '0';
                int low = Character.digit(s.charAt(at + 4), 16);
                if (high < 0 || high > 1 || low < 0 || Character.isUpperCase(s.charAt(at + 4))) {
                    return NOT;
                }
                int code = high << 4 | low;
                return code == 0 || code == '\b' || code == '\t' || code == '\n' || code == '\f' || code == '\r'
                        ? NOT : at + 5;
            default:
                return NOT;
        }
    }

    /** {@code numeric}'s own text: -?(0|[1-9][0-9]*)(.[0-9]+)?, not negative zero. */
    private static int number(String s, int at) {
        int i = at;
        boolean negative = s.charAt(i) == '-';
        if (negative) {
            i++;
        }
        boolean nonZero = false;
        if (i >= s.length()) {
            return NOT;
        }
        if (s.charAt(i) == '0') {
            i++;
        } else if (s.charAt(i) >= '1' && s.charAt(i) <= '9') {
            nonZero = true;
            while (i < s.length() && digit(s.charAt(i))) {
                i++;
            }
        } else {
            return NOT;
        }
        if (i < s.length() && s.charAt(i) == '.') {
            i++;
            int fraction = i;
            while (i < s.length() && digit(s.charAt(i))) {
                nonZero |= s.charAt(i) != '0';
                i++;
            }
            if (i == fraction) {
                return NOT;
            }
        }
        // The full parse reads a number as far as these characters go: any of them next makes it another number.
        if (i < s.length() && "0123456789.eE+-".indexOf(s.charAt(i)) >= 0 || negative && !nonZero
                || i - at > MAX_NUMBER) {
            return NOT;
        }
        return i;
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean plainAscii(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\' || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** {@code jsonb}'s key order for ASCII keys: shorter first, then by character. */
    private static int compareKeys(String s, int a, int aEnd, int b, int bEnd) {
        int lengthA = aEnd - a;
        int lengthB = bEnd - b;
        if (lengthA != lengthB) {
            return Integer.compare(lengthA, lengthB);
        }
        for (int i = 0; i < lengthA; i++) {
            int d = s.charAt(a + i) - s.charAt(b + i);
            if (d != 0) {
                return d;
            }
        }
        return 0;
    }
}
