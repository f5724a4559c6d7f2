package io.bulwark.runtime.audit.json;

/** How strings are written into JSON, the same way by the capture and by the canonical form. */
public final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {
    }

    public static void quote(StringBuilder out, CharSequence text) {
        quote(out, text, 0, text.length());
    }

    /**
     * Appends {@code text} as a JSON string: quotes, backslashes and control characters escaped as PostgreSQL's
     * {@code jsonb} writes them back, NUL and lone surrogates replaced by U+FFFD (neither survives {@code jsonb}).
     */
    public static void quote(StringBuilder out, CharSequence text, int from, int to) {
        out.append('"');
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case 0 -> out.append('\uFFFD');
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                            out.append(c).append(text.charAt(++i));
                        } else {
                            out.append('\uFFFD');
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
