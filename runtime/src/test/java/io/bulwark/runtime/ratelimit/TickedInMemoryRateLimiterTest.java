package io.bulwark.runtime.ratelimit;

/**
 * The engine contract again with GCRA's clock-free path on ({@link Ticks}): the engine ticks just before and just
 * after the test's clock moves, as a ticker that is never late would, so decisions must be exactly those of GCRA.
 */
class TickedInMemoryRateLimiterTest extends RateLimiterContract {

    @Override
    protected RateLimiter newLimiter(ManualClock clock) {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(clock, 100_000, false);
        clock.onMove(memory::tick);
        memory.tick();
        return memory;
    }

    @Override
    protected void extendRunningReservations() {
        ((InMemoryRateLimiter) limiter).extendLeases();
    }
}
