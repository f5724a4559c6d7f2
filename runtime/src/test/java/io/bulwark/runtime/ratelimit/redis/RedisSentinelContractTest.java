package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.RateLimiterContract;
import io.bulwark.runtime.testing.RedisSentinels;
import java.time.Duration;

/** The in-memory engine's semantics, unchanged, on the primary three Sentinels watch. */
class RedisSentinelContractTest extends RateLimiterContract {

    @Override
    protected RateLimiter newLimiter(ManualClock clock) {
        return RedisRateLimiter.withClock(RedisSentinels.shared().settings(Duration.ofSeconds(2), 16),
                new InMemoryRateLimiter(clock, 1_000, false), clock);
    }

    @Override
    protected void extendRunningReservations() {
        ((RedisRateLimiter) limiter).extendLeases();
    }
}
