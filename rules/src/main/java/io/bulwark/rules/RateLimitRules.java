package io.bulwark.rules;

import io.bulwark.Count;
import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes a {@code @RateLimited} enforceable, checked the same way by the processor (on the source) and by the
 * runtime (on the class file, then again with configuration overrides applied). Not API.
 */
public final class RateLimitRules {

    /** The longest policy name. */
    public static final int MAX_NAME_LENGTH = 128;
    /** Failures are remembered one by one; past this, count = CALLS is the tool for the job. */
    public static final int MAX_FAILURE_LIMIT = 1_000;

    private RateLimitRules() {
    }

    /** The values of one {@code @RateLimited}, as written ({@code name} already defaulted). */
    public record Declaration(String name, int limit, String window, Count count, String lockout, boolean hasFailureOn,
            boolean resetOnSuccess) {
    }

    /**
     * 1 to 128 of {@code A-Z a-z 0-9 . _ $ -}. By hand rather than a regular expression: the agent checks names as
     * guards register, often while the application starts, where a first {@code Pattern} costs some 20 classes.
     */
    public static boolean validName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '$' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** Every problem of {@code d}, each with the attribute it is about; empty when it is enforceable. */
    public static List<Problem> check(Declaration d) {
        List<Problem> problems = new ArrayList<>();
        if (!validName(d.name())) {
            problems.add(new Problem("name", Message.POLICY_NAME.format(d.name())));
        }
        Duration window = duration("window", d.window(), problems);
        Duration lockout = d.lockout().isEmpty() ? Duration.ZERO : duration("lockout", d.lockout(), problems);
        if (d.count() != Count.FAILURES) {
            if (!d.lockout().isEmpty()) {
                problems.add(new Problem("lockout", Message.NEEDS_FAILURES.format("lockout = '" + d.lockout() + "'")));
            }
            if (d.hasFailureOn()) {
                problems.add(new Problem("failureOn", Message.NEEDS_FAILURES.format("failureOn")));
            }
            if (d.resetOnSuccess()) {
                problems.add(new Problem("resetOnSuccess", Message.NEEDS_FAILURES.format("resetOnSuccess = true")));
            }
        }
        if (window != null && lockout != null) {
            problems.addAll(effective(d.limit(), window, d.count(), lockout, ""));
        } else if (d.limit() < 1) {
            problems.add(new Problem("limit", Message.LIMIT_BELOW_ONE.format(d.limit())));
        }
        return problems;
    }

    /**
     * The problems of a policy's effective numbers, after configuration overrides.
     *
     * @param where {@code ""}, or where overrides came from: {@code " (after bulwark.ratelimit.x.limit (...))"}
     */
    public static List<Problem> effective(int limit, Duration window, Count count, Duration lockout, String where) {
        List<Problem> problems = new ArrayList<>();
        if (limit < 1) {
            problems.add(new Problem("limit", Message.LIMIT_BELOW_ONE.format(limit)));
            return problems;
        }
        if (window.isZero()) {
            problems.add(new Problem("window", Message.DURATION_NOT_POSITIVE.format("window", Durations.format(window),
                    where)));
        } else if (window.toNanos() / 1_000 / limit < 1) {
            problems.add(new Problem("limit", Message.LIMIT_TOO_FINE.format(limit, Durations.format(window), where)));
        }
        if (count == Count.FAILURES && limit > MAX_FAILURE_LIMIT) {
            problems.add(new Problem("limit", Message.FAILURE_LIMIT_TOO_LARGE.format(limit, where, MAX_FAILURE_LIMIT)));
        }
        if (count != Count.FAILURES && !lockout.isZero() && !where.isEmpty()) {
            problems.add(new Problem("lockout", Message.NEEDS_FAILURES.format("lockout" + where)));
        }
        return problems;
    }

    /** The parsed duration, or null after recording why it does not parse. */
    private static Duration duration(String attribute, String text, List<Problem> problems) {
        try {
            Duration d = DurationSyntax.parse(text);
            if (d.isZero()) {
                problems.add(new Problem(attribute, Message.DURATION_NOT_POSITIVE.format(attribute, text, "")));
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            problems.add(new Problem(attribute, Message.DURATION_UNPARSABLE.format(attribute, e.getMessage())));
            return null;
        }
    }
}
