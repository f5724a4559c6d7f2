package io.bulwark.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses and prints the durations annotations and configuration use. Shared by the runtime and the
 * processor so that javac and the agent agree on what parses. Not API.
 */
public final class Durations {

    /** The longest duration accepted: counters are kept in microseconds and must stay exact as doubles. */
    public static final Duration MAX = Duration.ofDays(366);

    public static final String EXPECTED =
            "a duration such as 30s, 5m, 1h, 1d, 1h30m, 500ms or ISO-8601 PT5M, at most 366d";

    private Durations() {
    }

    /**
     * Parses {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "1d"}, {@code "500ms"}, compounds such as
     * {@code "1h30m"}, {@code "0"}, and ISO-8601 ({@code "PT90S"}). No spaces, no signs.
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static Duration parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text);
        }
        Duration result;
        if (text.equals("0")) {
            result = Duration.ZERO;
        } else if (text.charAt(0) == 'P' || text.charAt(0) == 'p') {
            try {
                result = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        } else {
            result = parseCompact(text);
        }
        if (result.isNegative() || result.compareTo(MAX) > 0) {
            throw invalid(text);
        }
        return result;
    }

    private static Duration parseCompact(String text) {
        Duration total = Duration.ZERO;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int digitsStart = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            // Nine digits at most per part: enough for any duration under MAX, and no overflow to think about.
            if (i == digitsStart || i - digitsStart > 9) {
                throw invalid(text);
            }
            long amount = Long.parseLong(text, digitsStart, i, 10);
            int unitStart = i;
            while (i < n && text.charAt(i) >= 'a' && text.charAt(i) <= 'z') {
                i++;
            }
            switch (text.substring(unitStart, i)) {
                case "ms" -> total = total.plusMillis(amount);
                case "s" -> total = total.plusSeconds(amount);
                case "m" -> total = total.plusMinutes(amount);
                case "h" -> total = total.plusHours(amount);
                case "d" -> total = total.plusDays(amount);
                default -> throw invalid(text);
            }
        }
        return total;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration: expected " + EXPECTED);
    }

    /** Whole seconds, rounded up: a client told to wait this long is never early. */
    public static long ceilSeconds(Duration d) {
        return d.getNano() == 0 ? d.getSeconds() : d.getSeconds() + 1;
    }

    /** {@code 250ms}, {@code 42s}, {@code 14m59s}, {@code 1d2h}: rounded up to the unit shown. */
    public static String format(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return "0s";
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0) {
            long millis = (d.toNanos() + 999_999) / 1_000_000;
            return millis + "ms";
        }
        long seconds = ceilSeconds(d);
        StringBuilder out = new StringBuilder();
        long days = seconds / 86_400;
        long hours = seconds / 3_600 % 24;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (days > 0) {
            out.append(days).append('d');
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (minutes > 0) {
            out.append(minutes).append('m');
        }
        if (secs > 0) {
            out.append(secs).append('s');
        }
        return out.toString();
    }
}
