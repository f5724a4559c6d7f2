package io.bulwark.runtime.ratelimit;

import io.bulwark.RateLimitedException;

/**
 * The state of one key of one policy in memory. {@link FailureCell} and {@link WindowCell} are guarded by their own
 * monitor; {@link GcraCell} is one word updated by compare-and-set (its monitor serves the multi-limit path only). A
 * cell the sweeper removed is marked dead, and whoever finds it dead looks the key up again.
 */
abstract class Cell {

    /** Unique, increasing: cells of one call are locked in this order, so two calls never deadlock. */
    final long id;
    final MemoryLimit limit;
    /** The key it is stored under, for the sweeper. */
    final Object key;
    /** The {@link MemoryLimit.Numbers#generation} of the state it belongs to. */
    final int generation;
    /** What the budget was charged for it (the key, the entry, the cell and its arrays). */
    long bytes;
    boolean dead;

    Cell(long id, MemoryLimit limit, Object key, int generation) {
        this.id = id;
        this.limit = limit;
        this.key = key;
        this.generation = generation;
    }

    /** How long, in microseconds, until a call could be admitted; 0 when it can be now. Under the lock. */
    abstract long waitMicros(long now);

    /**
     * Takes the call into account; only after {@link #waitMicros} said 0, under the lock.
     *
     * @return false when the cell cannot grow to hold it (the memory budget refused): nothing was taken
     */
    abstract boolean admit(long now);

    /** The refusal for a call made now. */
    abstract RateLimitedException refusal(long now);

    /** Whether the cell holds nothing a fresh cell would not: it may be dropped. Under the lock. */
    abstract boolean idle(long now);

    /** Takes the cell's lock for the multi-limit path and the sweeper; {@link #unlock} releases it. */
    void lock() {
    }

    void unlock() {
    }
}
