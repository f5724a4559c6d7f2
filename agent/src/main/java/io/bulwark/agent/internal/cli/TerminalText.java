package io.bulwark.agent.internal.cli;

/**
 * Text as a command prints it: every character a terminal (or a log viewer) could act on is written as a
 * {@code \\uXXXX} escape instead, so that an audit field holding {@code ESC [ 2 J}, a C1 control or a bidi override
 * can neither clear the screen, forge a line, nor make a line read other than it is. In a JSON line, where control
 * characters are already escaped, such an escape stays valid JSON and decodes back to the character.
 *
 * <p>Escaped: C0 controls (U+0000 to U+001F), DEL (U+007F), C1 controls (U+0080 to U+009F), the bidirectional
 * formatting characters (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069) and the line and paragraph
 * separators (U+2028, U+2029), which some viewers break lines at.
 */
final class TerminalText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TerminalText() {
    }

    static String safe(String text) {
        if (text == null) {
            return null;
        }
        int first = firstUnsafe(text);
        if (first < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        out.append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (unsafe(c)) {
                out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
                        .append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static boolean unsafe(char c) {
        return c < 0x20 || c >= 0x7F && c <= 0x9F || c == 0x061C || c == 0x200E || c == 0x200F
                || c >= 0x202A && c <= 0x202E || c >= 0x2066 && c <= 0x2069 || c == 0x2028 || c == 0x2029;
    }

    private static int firstUnsafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
