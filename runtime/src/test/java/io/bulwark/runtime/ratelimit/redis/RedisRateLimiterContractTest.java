package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.RateLimiterContract;
import io.bulwark.runtime.testing.RedisServer;
import java.time.Duration;

/** The in-memory engine's semantics, unchanged, against a real Redis (the script computes with the test's clock). */
class RedisRateLimiterContractTest extends RateLimiterContract {

    @Override
    protected RateLimiter newLimiter(ManualClock clock) {
        RedisSettings settings = new RedisSettings(RedisServer.shared(), Duration.ofSeconds(2), 16);
        return RedisRateLimiter.withClock(settings, new InMemoryRateLimiter(clock, 1_000, false), clock);
    }

    @Override
    protected void extendRunningReservations() {
        ((RedisRateLimiter) limiter).extendLeases();
    }
}
