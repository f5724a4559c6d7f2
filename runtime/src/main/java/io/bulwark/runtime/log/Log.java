package io.bulwark.runtime.log;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;

/**
 * Bulwark's own log: one line per event on standard error, {@code [bulwark] <time> <LEVEL> <message>}.
 *
 * <p>Deliberately not java.util.logging or any facade: an agent that touches JUL during premain fixes the
 * LogManager before the application can choose its own (JBoss LogManager, Log4j's JUL bridge), and a
 * bundled facade would meet the application's. Messages never carry secrets or key values.
 */
public final class Log {

    /** Severity, most severe first. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG;

        /** Parses {@code error}, {@code warn}, {@code info}, {@code debug} in any case, or returns null. */
        public static Level parse(String text) {
            for (Level level : values()) {
                if (level.name().equalsIgnoreCase(text)) {
                    return level;
                }
            }
            return null;
        }
    }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream out = System.err;

    private Log() {
    }

    public static void setLevel(Level level) {
        threshold = level;
    }

    /** Where lines go; tests point it at a buffer. */
    public static void setOutput(PrintStream stream) {
        out = stream;
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) <= 0;
    }

    public static void error(String message) {
        log(Level.ERROR, message);
    }

    public static void warn(String message) {
        log(Level.WARN, message);
    }

    public static void info(String message) {
        log(Level.INFO, message);
    }

    public static void debug(String message) {
        log(Level.DEBUG, message);
    }

    private static void log(Level level, String message) {
        if (enabled(level)) {
            out.println("[bulwark] " + timestamp(Instant.now()) + " " + level.name().toUpperCase(Locale.ROOT) + " "
                    + message);
        }
    }

    /**
     * {@code 2026-12-02T04:21:47.672018531Z}: ISO-8601 in UTC with nanoseconds, written by hand. The agent's first log
     * line is printed in premain, and {@code Instant.toString()} would load java.time's formatter for it (some tens
     * of milliseconds of a JVM's start-up on a small machine).
     */
    static String timestamp(Instant t) {
        long days = Math.floorDiv(t.getEpochSecond(), 86_400L);
        int secondOfDay = (int) Math.floorMod(t.getEpochSecond(), 86_400L);
        // Days to a civil date (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder out = new StringBuilder(30);
        pad(out, year, 4).append('-');
        pad(out, month, 2).append('-');
        pad(out, day, 2).append('T');
        pad(out, secondOfDay / 3_600, 2).append(':');
        pad(out, secondOfDay / 60 % 60, 2).append(':');
        pad(out, secondOfDay % 60, 2).append('.');
        return pad(out, t.getNano(), 9).append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder out, long value, int digits) {
        String text = Long.toString(value);
        for (int i = text.length(); i < digits; i++) {
            out.append('0');
        }
        return out.append(text);
    }
}
