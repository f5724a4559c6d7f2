package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.rules.Template;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One policy's cells in memory, by stored key, the policy's numbers in microseconds, and what it holds. */
final class MemoryLimit implements RateLimiter.Limit {

    /**
     * The policy and its numbers, replaced as a whole when the configuration changes while the agent runs: a check
     * reads them with one volatile load (a plain load on x86 and ARM's acquire), never half of an old policy and half
     * of a new one.
     */
    static final class Numbers {
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
        /** Bumped when the state starts afresh (another algorithm or mode): cells of an older one are not counted. */
        final int generation;

        Numbers(RateLimitPolicy policy, int generation) {
            this.policy = policy;
            this.windowMicros = policy.windowMicros();
            this.lockoutMicros = policy.lockoutMicros();
            this.emissionMicros = windowMicros / policy.limit();
            this.capacityMicros = emissionMicros * policy.limit();
            this.generation = generation;
        }
    }

    final String name;
    volatile Numbers numbers;
    final MemoryBudget budget;
    /** The engine's epochs, for GCRA cells that settle pending calls ({@link GcraCell}). */
    final Ticks ticks;
    final ConcurrentHashMap<Object, Cell> cells = new ConcurrentHashMap<>();
    /** What this policy holds of the budget. */
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong keys = new AtomicLong();
    /** The template reads nothing: one cell for every call, kept at hand. */
    final boolean global;
    /**
     * The template reads one value: cells are keyed by that value's text as it is ({@link #NULL} for null), not by
     * the framed key, which would be built for every call.
     */
    final boolean singleSource;
    volatile Cell globalCell;
    /**
     * Admitted calls counted so far: one where a call is decided under a lock or with the clock, a group where a
     * {@link GcraCell} charges the calls it admitted from an epoch (those still pending are added by
     * {@link #admitted()}). A {@code LongAdder}: groups and clock reads of many keys and threads meet here.
     */
    final LongAdder admitted = new LongAdder();
    /** The largest count {@link #admitted()} has answered: a read never goes backwards. */
    private final AtomicLong reported = new AtomicLong();

    /** The key of a null value in a single-value policy: no text equals it. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    MemoryLimit(RateLimitPolicy policy, MemoryBudget budget, Ticks ticks) {
        this.name = policy.name();
        this.numbers = new Numbers(policy, 0);
        this.budget = budget;
        this.ticks = ticks;
        int values = 0;
        try {
            for (Template.Part part : Template.parse(policy.key())) {
                if (part instanceof Template.Ref) {
                    values++;
                }
            }
        } catch (IllegalArgumentException e) {
            values = 2; // checked at registration; framed keys whatever happens
        }
        this.global = values == 0;
        this.singleSource = values == 1;
    }

    /** What a rendered (framed) key is stored under: itself, or for a single value, that value's text. */
    Object stored(String rendered) {
        if (!singleSource) {
            return InMemoryRateLimiter.compact(rendered);
        }
        return rendered.equals("-") ? NULL
                : InMemoryRateLimiter.compact(rendered.substring(rendered.indexOf(':') + 1));
    }

    @Override
    public RateLimitPolicy policy() {
        return numbers.policy;
    }

    /**
     * Calls admitted so far. The counted ones are read before the cells' pending ones: a group charged while the read
     * runs is then left out (seen at the next read), never counted twice; and the answer never goes below an earlier
     * one. Walks the policy's cells: for readers (a scrape), not for calls.
     */
    @Override
    public long admitted() {
        long n = admitted.sum();
        for (Cell cell : cells.values()) {
            if (cell instanceof GcraCell gcra) {
                n += gcra.uncounted();
            }
        }
        while (true) {
            long before = reported.get();
            if (n <= before) {
                return before;
            }
            if (reported.compareAndSet(before, n)) {
                return n;
            }
        }
    }

    Cell newCell(long id, Object key) {
        Numbers n = numbers;
        RateLimitPolicy policy = n.policy;
        if (policy.count() == Count.FAILURES) {
            return new FailureCell(id, this, key, n.generation);
        }
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? new WindowCell(id, this, key, n.generation)
                : new GcraCell(id, this, key, n.generation);
    }

    /** What a new cell costs before its key: the cell and its arrays. */
    long cellBytes() {
        RateLimitPolicy policy = numbers.policy;
        if (policy.count() == Count.FAILURES) {
            return FailureCell.initialBytes(policy.limit());
        }
        // A GCRA cell is 120 bytes: 48 of header and Cell's fields, 56 of padding that keep its word off their cache
        // line (PaddedCell), and its two words.
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? 48 : 120;
    }
}
