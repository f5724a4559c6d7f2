package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.rules.DurationSyntax;
import java.time.Duration;
import java.util.Set;

/** Policies for engine tests, written like their annotations. */
public final class Policies {

    private Policies() {
    }

    public static RateLimitPolicy calls(String name, int limit, String window) {
        return new RateLimitPolicy(name, limit, DurationSyntax.parse(window), "", Count.CALLS, Duration.ZERO, Set.of(),
                false, StoreFailure.CLOSED, Algorithm.GCRA);
    }

    public static RateLimitPolicy failures(String name, int limit, String window, String lockout,
            boolean resetOnSuccess, String... failureOn) {
        return new RateLimitPolicy(name, limit, DurationSyntax.parse(window), "", Count.FAILURES,
                lockout.isEmpty() ? Duration.ZERO : DurationSyntax.parse(lockout), Set.of(failureOn), resetOnSuccess,
                StoreFailure.CLOSED, Algorithm.GCRA);
    }

    public static RateLimitPolicy window(String name, int limit, String window) {
        return calls(name, limit, window).withAlgorithm(Algorithm.SLIDING_WINDOW);
    }
}
