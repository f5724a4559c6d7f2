package io.bulwark.rules;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Parses the durations annotations and configuration use. Shared by the runtime and the processor so that javac and
 * the agent agree on what parses; printing is {@code io.bulwark.internal.Durations}, in the API jar, because the
 * exceptions print durations. Not API.
 */
public final class DurationSyntax {

    /** The longest duration accepted: counters are kept in microseconds and must stay exact as doubles. */
    public static final Duration MAX = Duration.ofDays(366);

    public static final String EXPECTED =
            "a duration such as 30s, 5m, 1h, 1d, 1h30m, 500ms or ISO-8601 PT5M, at most 366d";

    private DurationSyntax() {
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
        return new IllegalArgumentException(Message.DURATION_SYNTAX.format(text, EXPECTED));
    }

}
