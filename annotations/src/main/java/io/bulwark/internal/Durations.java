package io.bulwark.internal;

import java.time.Duration;

/**
 * Prints durations the way the exceptions' messages and headers show them. Part of the bridge because the public
 * exceptions use it; parsing, which only the processor and the runtime need, is {@code io.bulwark.rules.DurationSyntax}
 * in the rules module. Not API.
 */
public final class Durations {

    private Durations() {
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
