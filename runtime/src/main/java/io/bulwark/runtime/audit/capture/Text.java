package io.bulwark.runtime.audit.capture;

/**
 * Neutralises text before it is stored: PostgreSQL refuses NUL in {@code text} and {@code jsonb}, and UTF-8 cannot
 * encode a lone surrogate, so either would make a row (or a batch) fail. Both become U+FFFD; text past a column's cap
 * is cut (never inside a surrogate pair) and says how much was left out. Nothing is ever thrown: hostile input is
 * stored as harmless text, not refused, so that no audit event is lost over it.
 */
public final class Text {

    static final char REPLACEMENT = '\uFFFD';

    private Text() {
    }

    /** {@code text}, neutralised and at most about {@code max} characters long; null stays null. */
    public static String clean(String text, int max) {
        if (text == null) {
            return null;
        }
        int length = text.length();
        int keep = Math.min(length, max);
        if (keep < length && keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        int bad = firstBad(text, keep);
        if (bad < 0 && keep == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(keep + 32);
        appendClean(out, text, 0, keep);
        if (keep < length) {
            out.append("…[").append(length - keep).append(" more characters]");
        }
        return out.toString();
    }

    /** Appends {@code text[from, to)} to {@code out}, NUL and lone surrogates replaced. */
    static void appendClean(StringBuilder out, String text, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                out.append(REPLACEMENT);
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                    out.append(c).append(text.charAt(++i));
                } else {
                    out.append(REPLACEMENT);
                }
            } else if (Character.isLowSurrogate(c)) {
                out.append(REPLACEMENT);
            } else {
                out.append(c);
            }
        }
    }

    /** The index of the first NUL or lone surrogate before {@code end}, or -1. */
    private static int firstBad(String text, int end) {
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == 0 || Character.isLowSurrogate(c)) {
                return i;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }
}
