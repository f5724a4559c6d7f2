package io.bulwark.runtime.guard;

import io.bulwark.Count;
import io.bulwark.rules.DurationSyntax;
import io.bulwark.rules.Message;
import io.bulwark.rules.Problem;
import io.bulwark.rules.RateLimitRules;
import io.bulwark.runtime.InvalidGuardException;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.Mode;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Checks a {@code @RateLimited} as written ({@link RateLimitRules}, as the processor does), applies the
 * configuration's overrides, and checks the result again.
 */
final class PolicyFactory {

    private PolicyFactory() {
    }

    static RateLimitPolicy create(RateLimitSpec spec, MethodSpec method, Settings settings)
            throws InvalidGuardException {
        RateLimitPolicy policy = policy(spec, method, settings);
        Settings.PolicyOverride override = settings.override(policy.name()).orElse(null);
        String source = override != null ? override.source() : policy.shadow() ? "bulwark.ratelimit.mode" : null;
        if (policy.shadow()) {
            // Loud: a policy that refuses nothing is a guard switched off, however deliberately.
            Log.warn("policy '" + policy.name() + "' is " + policy.describe() + " by configuration (" + source + ")");
        } else if (source != null) {
            Log.info("policy '" + policy.name() + "' is " + policy.describe() + " by configuration (" + source + ")");
        }
        return policy;
    }

    /** The policy's name: as declared, or the method's. */
    static String name(RateLimitSpec spec, MethodSpec method) {
        return spec.name().isEmpty() ? method.declaringType() + "." + method.name() : spec.name();
    }

    /** {@link #create} without a word in the log: what a reload checks, and methods after the first of a policy. */
    static RateLimitPolicy policy(RateLimitSpec spec, MethodSpec method, Settings settings)
            throws InvalidGuardException {
        String name = name(spec, method);
        fail(RateLimitRules.check(new RateLimitRules.Declaration(name, spec.limit(), spec.window(), spec.count(),
                spec.lockout(), !spec.failureOn().isEmpty(), spec.resetOnSuccess())));
        int limit = spec.limit();
        Duration window = DurationSyntax.parse(spec.window());
        Duration lockout = spec.lockout().isEmpty() ? Duration.ZERO : DurationSyntax.parse(spec.lockout());
        Algorithm algorithm = settings.algorithm();
        Mode mode = settings.rateLimitMode();
        Settings.PolicyOverride override = settings.override(name).orElse(null);
        if (override != null) {
            limit = override.limit() != null ? override.limit() : limit;
            window = override.window() != null ? override.window() : window;
            lockout = override.lockout() != null ? override.lockout() : lockout;
            if (override.algorithm() != null) {
                if (spec.count() == Count.FAILURES) {
                    throw new InvalidGuardException("the algorithm (" + override.source() + ") applies to count = "
                            + "CALLS only: failures are always kept one by one");
                }
                algorithm = override.algorithm();
            }
            mode = override.mode() != null ? override.mode() : mode;
            fail(RateLimitRules.effective(limit, window, spec.count(), lockout, " (after " + override.source() + ")"));
        }
        return new RateLimitPolicy(name, limit, window, spec.key(), spec.count(), lockout,
                new LinkedHashSet<>(spec.failureOn()), spec.resetOnSuccess(), spec.onStoreFailure(),
                spec.count() == Count.FAILURES ? Algorithm.GCRA : algorithm, mode);
    }

    /** The first problem, as the method's refusal reason; all of them reach javac through the processor. */
    private static void fail(List<Problem> problems) throws InvalidGuardException {
        if (!problems.isEmpty()) {
            throw new InvalidGuardException(problems.get(0).message());
        }
    }

    /** For {@link Message#POLICY_DECLARED_DIFFERENTLY}: how a policy reads in a message. */
    static String describe(RateLimitPolicy policy) {
        return policy.describe() + ", key '" + policy.key() + "'";
    }
}
