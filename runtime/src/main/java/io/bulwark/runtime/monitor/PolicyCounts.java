package io.bulwark.runtime.monitor;

import io.bulwark.monitoring.RateLimitCounts;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.concurrent.atomic.LongAdder;

/**
 * One policy's admitted calls, for {@link io.bulwark.Bulwark#rateLimitCounts()}: counted by its engine where the
 * engine can do so at no cost to the call (in memory, {@link RateLimiter.Limit#admitted()}), else by its guards, one
 * add per admitted call (Redis, where the call takes a round trip anyway). Shared by every method of the policy.
 */
public final class PolicyCounts {

    private final String policy;
    private final RateLimiter.Limit limit;
    /** Whether the guards count (the engine does not). */
    private final boolean byGuards;
    private final LongAdder allowed = new LongAdder();
    private final LongAdder allowedWithoutStore = new LongAdder();

    public PolicyCounts(RateLimiter.Limit limit) {
        this.policy = limit.policy().name();
        this.limit = limit;
        this.byGuards = limit.admitted() < 0;
    }

    public String policy() {
        return policy;
    }

    /** Whether a guard must call {@link #admitted} for each call it admits. */
    public boolean countedByGuards() {
        return byGuards;
    }

    /** A call admitted by this policy, by its store or (when it could not answer) by its failure policy. */
    public void admitted(boolean withoutStore) {
        (withoutStore ? allowedWithoutStore : allowed).increment();
    }

    public RateLimitCounts read() {
        long byEngine = byGuards ? 0 : limit.admitted();
        return new RateLimitCounts(policy, byEngine + allowed.sum(), allowedWithoutStore.sum());
    }
}
