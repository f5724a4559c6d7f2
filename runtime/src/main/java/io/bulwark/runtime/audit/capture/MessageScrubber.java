package io.bulwark.runtime.audit.capture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts the text of redacted values out of an exception message before it is stored: in any case ({@code Hunter2} is
 * cut from a message that says {@code HUNTER2}), and longer values first, so that a short one inside a long one
 * cannot leave the rest of the long one behind.
 *
 * <p>Values of {@link #MIN_ANYWHERE} characters or more are cut wherever they appear. A shorter one ({@code 42}, a
 * PIN) is cut where it stands as a word of its own, with no letter or digit on either side; if it still appears
 * inside a longer word after that ({@code 1425}), it cannot be cut without maiming the message or leaving a hint, and
 * the message is given up: the caller stores the exception's type alone.
 */
public final class MessageScrubber {

    /** Shorter values are cut only as whole words: cutting {@code 12} out of every number would maim any message. */
    static final int MIN_ANYWHERE = 4;
    private static final String MASK = "[redacted]";
    /** Stands in for a cut value until the end, so that no later value can match the mask's own letters. */
    private static final char CUT = '\uE000';

    private MessageScrubber() {
    }

    /** {@code message} with every one of {@code secrets} cut out; null when one cannot be cut safely. */
    public static String scrub(String message, List<String> secrets) {
        if (message == null || secrets.isEmpty()) {
            return message;
        }
        List<String> ordered = new ArrayList<>(secrets);
        ordered.sort(Comparator.comparingInt(String::length).reversed());
        String text = message;
        for (String secret : ordered) {
            if (secret == null || secret.isEmpty()) {
                continue;
            }
            text = cut(text, secret, secret.length() < MIN_ANYWHERE);
            if (secret.length() < MIN_ANYWHERE && indexOf(text, secret, 0) >= 0) {
                return null;
            }
        }
        return text.replace(String.valueOf(CUT), MASK);
    }

    /** {@code text} with each occurrence of {@code secret} (ignoring case; only whole words when asked) cut. */
    private static String cut(String text, String secret, boolean wholeWords) {
        StringBuilder out = null;
        int from = 0;
        int at = indexOf(text, secret, 0);
        while (at >= 0) {
            int end = at + secret.length();
            boolean word = !letterOrDigitAt(text, at - 1) && !letterOrDigitAt(text, end);
            if (!wholeWords || word) {
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, from, at).append(CUT);
                from = end;
                at = indexOf(text, secret, end);
            } else {
                at = indexOf(text, secret, at + 1);
            }
        }
        return out == null ? text : out.append(text, from, text.length()).toString();
    }

    private static boolean letterOrDigitAt(String text, int i) {
        return i >= 0 && i < text.length() && Character.isLetterOrDigit(text.charAt(i));
    }

    /** The first index at or after {@code from} where {@code secret} stands, ignoring case; -1 when none. */
    private static int indexOf(String text, String secret, int from) {
        for (int i = from; i + secret.length() <= text.length(); i++) {
            if (text.regionMatches(true, i, secret, 0, secret.length())) {
                return i;
            }
        }
        return -1;
    }
}
