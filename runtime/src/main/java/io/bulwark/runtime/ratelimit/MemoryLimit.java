package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import java.util.concurrent.ConcurrentHashMap;

/** One policy's cells in memory, by rendered key, and the policy's numbers in microseconds. */
final class MemoryLimit implements RateLimiter.Limit {

    final RateLimitPolicy policy;
    final long windowMicros;
    final long lockoutMicros;
    /** GCRA's emission interval, rounded down to whole microseconds. */
    final long emissionMicros;
    /**
     * {@code limit} intervals. Not the window itself: with the interval rounded down, comparing against the
     * window would let the (limit+1)st call of a burst through whenever window/limit is not whole.
     */
    final long capacityMicros;
    final ConcurrentHashMap<String, Cell> cells = new ConcurrentHashMap<>();

    MemoryLimit(RateLimitPolicy policy) {
        this.policy = policy;
        this.windowMicros = policy.windowMicros();
        this.lockoutMicros = policy.lockoutMicros();
        this.emissionMicros = windowMicros / policy.limit();
        this.capacityMicros = emissionMicros * policy.limit();
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    Cell newCell(long id) {
        if (policy.count() == Count.FAILURES) {
            return new FailureCell(id, this);
        }
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? new WindowCell(id, this) : new GcraCell(id, this);
    }
}
