package io.bulwark.runtime.ratelimit;

import io.bulwark.RateLimitedException;

/**
 * The state of one key of one policy in memory. Guarded by its own monitor; a cell the sweeper removed is
 * marked {@link #dead} under that monitor, and whoever finds it dead looks the key up again.
 */
abstract class Cell {

    /** Unique, increasing: cells of one call are locked in this order, so two calls never deadlock. */
    final long id;
    final MemoryLimit limit;
    boolean dead;

    Cell(long id, MemoryLimit limit) {
        this.id = id;
        this.limit = limit;
    }

    /** How long, in microseconds, until a call could be admitted; 0 when it can be now. */
    abstract long waitMicros(long now);

    /** Takes the call into account; only after {@link #waitMicros} said 0. */
    abstract void admit(long now);

    /** The refusal for a call made now. */
    abstract RateLimitedException refusal(long now);

    /** Whether the cell holds nothing a fresh cell would not: it may be dropped. */
    abstract boolean idle(long now);
}
