package io.bulwark.runtime.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds on the time of a call without reading the clock, for the GCRA fast path ({@link GcraCell}): reading
 * {@link System#nanoTime()} costs 29 ns on the benchmark machine, most of an admitted call (benchmarks/README.md).
 *
 * <p>A ticker ({@link #tick}, about once a millisecond) starts epoch after epoch. Each start reads the clock just
 * before the epoch is published ({@link #floor}: every call that sees the epoch came later) and again just after
 * (the {@link #ceiling} of the epoch before: every call that saw that one came earlier, since it read the word before
 * it was replaced). So a call that read epoch {@code j} happened within {@code [floor(j), ceiling(j)]}. GCRA admits
 * with the earlier bound (an admission that holds then holds later) and charges with the later one, once it is known
 * (a later arrival time only pushes the next call back): never more lenient than GCRA at the call's own time, and
 * stricter by at most the epoch's span (about a millisecond; longer only while the ticker is late).
 *
 * <p>Nothing depends on the ticker for safety: a word of 0 (not ticking) sends every call to the clock, and a late
 * ticker only widens the bounds. The clock must be positive and monotonic across threads ({@code CLOCK_MONOTONIC}).
 */
final class Ticks {

    /** A cell keeps the low bits of its epoch: enough to tell "this epoch", "the one before" and "older" apart. */
    static final int LABEL_BITS = 6;
    static final int LABEL_MASK = (1 << LABEL_BITS) - 1;
    private static final int SEQ_BITS = 14;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
    private static final VarHandle CEILINGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle PAUSED;

    static {
        try {
            PAUSED = MethodHandles.lookup().findVarHandle(Ticks.class, "paused", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MicroClock clock;
    /** {@code floor << SEQ_BITS | epoch}; 0 before the first tick. */
    private volatile long word;
    /** Per label, {@code ceiling << SEQ_BITS | epoch} of the latest epoch of that label whose ceiling is known. */
    private final long[] ceilings = new long[1 << LABEL_BITS];
    /** The ticker's own count, under this object's monitor. */
    private long epoch;
    /** The thread that ticks, if any (tests tick by hand): unparked by {@link #wake} while paused. */
    private volatile Thread ticker;
    /** Set by {@link #pause}, cleared by the one call that wakes the ticker. */
    @SuppressWarnings("unused")
    private volatile boolean paused;

    Ticks(MicroClock clock) {
        this.clock = clock;
    }

    /** Starts the next epoch. Called by one ticker thread (tests call it by hand); nothing else writes the word. */
    synchronized void tick() {
        long before = clock.micros();
        epoch++;
        word = before << SEQ_BITS | (epoch & SEQ_MASK);
        // Read after the new epoch was published: later than every call that saw the previous one.
        long after = clock.micros();
        long previous = epoch - 1;
        if (previous > 0) {
            // Published by the next tick's volatile write of the word at the latest (see ceiling).
            CEILINGS.setRelease(ceilings, (int) (previous & LABEL_MASK), after << SEQ_BITS | (previous & SEQ_MASK));
        }
    }

    /**
     * Stops the clock-free path until a call wakes the ticker: the word is 0, so calls read the clock (exact, as
     * without a ticker) and the first of them unparks the ticker ({@link #wake}). The ticker pauses after a burst of
     * ticks whether or not calls came, so that an idle JVM does not wake a thousand times a second for nothing; a
     * busy one pays one unpark and a millisecond of clock reads a burst. Epochs keep counting across a pause: the
     * next tick publishes the ceiling of the epoch before it, as always (read then, so later than any of its calls).
     */
    synchronized void pause() {
        PAUSED.setVolatile(this, true);
        word = 0;
    }

    /** Whether the ticker should stay parked: paused and not yet woken. */
    boolean paused() {
        return (boolean) PAUSED.getVolatile(this);
    }

    /** The thread that ticks; it is unparked when a call finds the ticker paused. */
    void ticker(Thread thread) {
        this.ticker = thread;
    }

    /** Called by a call that found the word 0: wakes a paused ticker, once (one call wins the flag). */
    void wake() {
        if ((boolean) PAUSED.getVolatile(this) && PAUSED.compareAndSet(this, true, false)) {
            Thread t = ticker;
            if (t != null) {
                LockSupport.unpark(t);
            }
        }
    }

    /** The current word: 0 when not ticking. */
    long word() {
        return word;
    }

    /** A time no later than any call that read {@code word}. */
    static long floor(long word) {
        return word >>> SEQ_BITS;
    }

    static int label(long word) {
        return (int) word & LABEL_MASK;
    }

    /**
     * A time no earlier than any call of the epoch labelled {@code label} that is not later than {@code word}'s, or -1
     * when that is not known yet. The epoch meant is the latest one of that label up to {@code word}'s; a cell's epoch
     * is never later than the word read after the cell was, so this is the cell's epoch or a later one (whose ceiling
     * is later still: safe).
     */
    long ceiling(long word, int label) {
        int behind = ((int) word - label) & LABEL_MASK;
        if (behind == 0) {
            return -1; // the current epoch: still open
        }
        long entry = (long) CEILINGS.getAcquire(ceilings, label);
        if (behind >= 2) {
            // Written before the word moved on from the epoch after it, so visible; overwritten since only by a
            // later epoch of the same label, with a later ceiling.
            return entry >>> SEQ_BITS;
        }
        // The epoch just before the current one: its ceiling is written just after the current epoch began.
        long previous = (word - 1) & SEQ_MASK;
        return (entry & SEQ_MASK) == previous ? entry >>> SEQ_BITS : -1;
    }
}
