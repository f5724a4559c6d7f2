package io.bulwark.runtime.guard;

import io.bulwark.Count;
import io.bulwark.internal.Durations;
import io.bulwark.runtime.InvalidGuardException;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.regex.Pattern;

/** Checks a {@code @RateLimited} as written and applies the configuration's overrides. */
final class PolicyFactory {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._$-]{1,128}");
    /** Failures are remembered one by one; past this, count = CALLS is the tool for the job. */
    static final int MAX_FAILURE_LIMIT = 1_000;

    private PolicyFactory() {
    }

    static RateLimitPolicy create(RateLimitSpec spec, MethodSpec method, Settings settings)
            throws InvalidGuardException {
        String name = spec.name().isEmpty() ? method.declaringType() + "." + method.name() : spec.name();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidGuardException("name = '" + name + "': expected 1 to 128 letters, digits, '.', '_', '-'");
        }
        int limit = spec.limit();
        Duration window = duration("window", spec.window());
        Duration lockout = spec.lockout().isEmpty() ? Duration.ZERO : duration("lockout", spec.lockout());
        Algorithm algorithm = settings.algorithm();
        Settings.PolicyOverride override = settings.override(name).orElse(null);
        if (override != null) {
            limit = override.limit() != null ? override.limit() : limit;
            window = override.window() != null ? override.window() : window;
            lockout = override.lockout() != null ? override.lockout() : lockout;
            if (override.algorithm() != null) {
                requireCalls(spec.count() == Count.FAILURES, "the algorithm" + " (" + override.source() + ")");
                algorithm = override.algorithm();
            }
        }
        String where = override == null ? "" : " (after " + override.source() + ")";
        if (limit < 1) {
            throw new InvalidGuardException("limit = " + limit + ": expected at least 1");
        }
        if (window.isZero()) {
            throw new InvalidGuardException("window = '" + spec.window() + "'" + where + ": expected a positive duration");
        }
        if (window.toNanos() / 1_000 / limit < 1) {
            throw new InvalidGuardException("limit = " + limit + " per window " + Durations.format(window) + where
                    + ": expected at most one call per microsecond");
        }
        if (spec.count() != Count.FAILURES) {
            requireFailures(!lockout.isZero(), "lockout = '" + spec.lockout() + "'" + where);
            requireFailures(!spec.failureOn().isEmpty(), "failureOn = " + spec.failureOn());
            requireFailures(spec.resetOnSuccess(), "resetOnSuccess = true");
        } else if (limit > MAX_FAILURE_LIMIT) {
            throw new InvalidGuardException("limit = " + limit + where + " with count = FAILURES: expected at most "
                    + MAX_FAILURE_LIMIT + " (larger budgets are quotas: count = CALLS)");
        }
        RateLimitPolicy policy = new RateLimitPolicy(name, limit, window, spec.key(), spec.count(), lockout,
                new LinkedHashSet<>(spec.failureOn()), spec.resetOnSuccess(), spec.onStoreFailure(),
                spec.count() == Count.FAILURES ? Algorithm.GCRA : algorithm);
        if (override != null) {
            Log.info("policy '" + name + "' is " + policy.describe() + " by configuration (" + override.source() + ")");
        }
        return policy;
    }

    private static void requireCalls(boolean failures, String what) throws InvalidGuardException {
        if (failures) {
            throw new InvalidGuardException(what + " applies to count = CALLS only: failures are always kept one by one");
        }
    }

    private static void requireFailures(boolean present, String what) throws InvalidGuardException {
        if (present) {
            throw new InvalidGuardException(what + " needs count = FAILURES: with count = CALLS there are no failures "
                    + "to count");
        }
    }

    private static Duration duration(String attribute, String text) throws InvalidGuardException {
        try {
            Duration d = Durations.parse(text);
            if (d.isZero()) {
                throw new InvalidGuardException(attribute + " = '" + text + "': expected a positive duration");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new InvalidGuardException(attribute + " = " + e.getMessage());
        }
    }
}
