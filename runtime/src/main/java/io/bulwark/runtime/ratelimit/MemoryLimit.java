package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** One policy's cells in memory, by stored key, the policy's numbers in microseconds, and what it holds. */
final class MemoryLimit implements RateLimiter.Limit {

    final RateLimitPolicy policy;
    final MemoryBudget budget;
    final long windowMicros;
    final long lockoutMicros;
    /** GCRA's emission interval, rounded down to whole microseconds. */
    final long emissionMicros;
    /**
     * {@code limit} intervals. Not the window itself: with the interval rounded down, comparing against the
     * window would let the (limit+1)st call of a burst through whenever window/limit is not whole.
     */
    final long capacityMicros;
    final ConcurrentHashMap<Object, Cell> cells = new ConcurrentHashMap<>();
    /** What this policy holds of the budget. */
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong keys = new AtomicLong();

    MemoryLimit(RateLimitPolicy policy, MemoryBudget budget) {
        this.policy = policy;
        this.budget = budget;
        this.windowMicros = policy.windowMicros();
        this.lockoutMicros = policy.lockoutMicros();
        this.emissionMicros = windowMicros / policy.limit();
        this.capacityMicros = emissionMicros * policy.limit();
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    Cell newCell(long id, Object key) {
        if (policy.count() == Count.FAILURES) {
            return new FailureCell(id, this, key);
        }
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? new WindowCell(id, this, key)
                : new GcraCell(id, this, key);
    }

    /** What a new cell costs before its key: the cell and its arrays. */
    long cellBytes() {
        if (policy.count() == Count.FAILURES) {
            return FailureCell.initialBytes(policy.limit());
        }
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? 48 : 40;
    }
}
