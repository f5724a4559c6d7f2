package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.Set;

/** Policies for engine tests, written like their annotations. */
public final class Policies {

    private Policies() {
    }

    public static RateLimitPolicy calls(String name, int limit, String window) {
        return new RateLimitPolicy(name, limit, Durations.parse(window), "", Count.CALLS, Duration.ZERO, Set.of(),
                false, StoreFailure.CLOSED);
    }

    public static RateLimitPolicy failures(String name, int limit, String window, String lockout,
            boolean resetOnSuccess, String... failureOn) {
        return new RateLimitPolicy(name, limit, Durations.parse(window), "", Count.FAILURES,
                lockout.isEmpty() ? Duration.ZERO : Durations.parse(lockout), Set.of(failureOn), resetOnSuccess,
                StoreFailure.CLOSED);
    }

    public static RateLimitPolicy withStoreFailure(RateLimitPolicy p, StoreFailure onStoreFailure) {
        return new RateLimitPolicy(p.name(), p.limit(), p.window(), p.key(), p.count(), p.lockout(), p.failureOn(),
                p.resetOnSuccess(), onStoreFailure);
    }
}
