package io.bulwark.runtime.config;

import io.bulwark.rules.DurationSyntax;
import java.time.Duration;
import java.util.List;

/**
 * Checks a value against its key's {@link KeySpec} and records a problem in the key's own words when it does not fit.
 * Every reader shares one, so that all problems are reported together, in the order the entries were read.
 *
 * <p>Here and in the readers: loops rather than lambdas, no regular expressions, no {@code String.format}. This runs
 * in premain, where each costs the JDK's run-time class spinning (see "Agent startup" in benchmarks/README.md).
 */
final class ValueParser {

    private final List<String> problems;

    ValueParser(List<String> problems) {
        this.problems = problems;
    }

    /** A problem of its own (two keys that do not agree, a file that cannot be read). */
    void add(String problem) {
        problems.add(problem);
    }

    /** {@code entry} does not fit {@code key}: the problem says what the table expects. */
    void refuse(ConfigKey key, ConfigEntry entry) {
        problems.add(entry.problem(key.spec.expected));
    }

    /** {@code entry} does not fit for a reason more particular than the table's. */
    void refuse(ConfigEntry entry, String expected) {
        problems.add(entry.problem(expected));
    }

    int count() {
        return problems.size();
    }

    /** {@code true} or {@code false} in any case; a bad value is reported and read as true. */
    boolean bool(ConfigKey key, ConfigEntry entry) {
        if (entry.value().equalsIgnoreCase("true")) {
            return true;
        }
        if (entry.value().equalsIgnoreCase("false")) {
            return false;
        }
        refuse(key, entry);
        return true;
    }

    /** A whole number in the key's range; a bad value is reported and read as the range's least. */
    int number(ConfigKey key, ConfigEntry entry) {
        try {
            int value = Integer.parseInt(entry.value());
            if (value >= key.spec.min && value <= key.spec.max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        refuse(key, entry);
        return (int) key.spec.min;
    }

    /** A duration in the key's range; a bad value is reported and read as null. */
    Duration duration(ConfigKey key, ConfigEntry entry) {
        try {
            Duration d = DurationSyntax.parse(entry.value());
            if ((key.spec.minDuration == null || d.compareTo(key.spec.minDuration) >= 0)
                    && (key.spec.maxDuration == null || d.compareTo(key.spec.maxDuration) <= 0)) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        refuse(key, entry);
        return null;
    }

    /** {@code value} without ASCII or C1 control characters (a loop, not {@code chars().anyMatch(...)}). */
    static boolean hasControlCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
