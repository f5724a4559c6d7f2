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
            out.println("[bulwark] " + Instant.now() + " " + level.name().toUpperCase(Locale.ROOT) + " " + message);
        }
    }
}
