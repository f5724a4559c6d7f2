package io.bulwark.runtime.ratelimit;

import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * GCRA for {@code count = CALLS}: one number, the theoretical arrival time (TAT). Each call pushes the TAT one
 * emission interval ({@code window / limit}) later; a call is admitted while the TAT stays within one capacity
 * ({@code limit} intervals) of now. A full bucket admits {@code limit} calls at once; after that, one per interval.
 *
 * <p>Lock-free on the common path, a method with one limit: one compare-and-set of one word, no monitor. A contended
 * monitor was what made two threads on one hot key cost 229 ns a call (it inflates and parks); a CAS that loses is
 * simply tried again with the winner's state, which is exact. The low bit is a lock taken by the few who must hold the
 * cell still across a decision: a method with several limits (all-or-nothing, under the cells' monitors in id order)
 * and the sweeper. Single-limit callers who meet it wait a few instructions for it.
 *
 * <p>Most calls do not read the clock (29 ns, most of a call; benchmarks/README.md): they take the bounds of the
 * current {@link Ticks} epoch instead. The word then holds, beside the TAT, calls admitted but not yet placed in time
 * ({@code pending}, all of one epoch, {@code label}): the TAT they leave is at most
 * {@code max(tat, t) + pending * emission} for any {@code t} no earlier than each of them, in particular the epoch's
 * ceiling once known, or a clock read made after the word was. A call joins them when that bound, taken at the
 * epoch's floor, admits one more; a call of a later epoch first settles them at the ceiling. Each call is thereby
 * admitted by exact GCRA at a time within the call (its read of the epoch, or the latest such read of the group
 * before it, whichever is later), and charged no earlier than that time: never more lenient than exact GCRA, at most
 * one epoch stricter. A refusal is always decided with the clock. Layout: {@code tat} (50 bits, microseconds, 35
 * years), {@code pending} (7), {@code label} (6), lock (1).
 *
 * <p>Counting admitted calls (for monitoring, {@link MemoryLimit#admitted()}) rides on the same grouping: a call joins
 * {@code pending} and costs nothing more; the group is added to the policy's count once, by whoever places it in time
 * (the first call of a later epoch, a call that reads the clock, the multi-limit path, a reconfiguration, the sweeper,
 * or the cell's drop), after the word no longer holds it. A reader adds the groups still pending. The global woven
 * call is 12 ns; one shared atomic add per call would be half of that again (benchmarks/README.md, "Monitoring").
 */
final class GcraCell extends PaddedCell {

    /** What {@link #tryAcquire} answers when the sweeper dropped the cell: look the key up again. */
    static final long DEAD_CELL = -1;

    private static final long LOCKED = 1;
    private static final long DEAD = -1;
    private static final int LABEL_SHIFT = 1;
    private static final int PENDING_SHIFT = LABEL_SHIFT + Ticks.LABEL_BITS;
    private static final int TAT_SHIFT = PENDING_SHIFT + 7;
    static final int MAX_PENDING = (1 << (TAT_SHIFT - PENDING_SHIFT)) - 1;
    static final long MAX_TAT = -1L >>> TAT_SHIFT;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GcraCell.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code tat, pending, label, locked}, see above; {@link #DEAD} once dropped. */
    @SuppressWarnings("unused")
    private volatile long state;
    /** The word (unlocked) while this cell is locked. */
    private long held;

    GcraCell(long id, MemoryLimit limit, Object key, int generation) {
        super(id, limit, key, generation);
    }

    /**
     * Admits one call if the limit allows: from the epoch's bounds when they suffice, else at {@code clock}'s now.
     *
     * @return 0 when admitted, the wait in microseconds when refused, {@link #DEAD_CELL} when the cell was dropped
     */
    long tryAcquire(Ticks ticks, MicroClock clock) {
        // One volatile load for both numbers (see MemoryLimit.Numbers): the same cost as two final fields on x86.
        MemoryLimit.Numbers n = limit.numbers;
        long emission = n.emissionMicros;
        long capacity = n.capacityMicros;
        // A key's cell is first read by a compare-and-exchange that changes nothing (the word is written back as it
        // is): it takes the line writable, so that a cell another core wrote last (every keyed call under two threads)
        // costs one transfer rather than two, a read that shares the line and then the compare-and-set that takes it.
        // Not a global cell: alone, the locked read costs a call 4.5 ns (11.7 -> 16.3 ns, one thread).
        long s = limit.global ? (long) STATE.getVolatile(this) : (long) STATE.compareAndExchange(this, 0L, 0L);
        while (true) {
            if ((s & LOCKED) != 0) {
                if (s == DEAD) {
                    return DEAD_CELL;
                }
                Thread.onSpinWait();
                s = (long) STATE.getVolatile(this);
                continue;
            }
            // Read after the state: the cell's epoch is then never later than this word's (see Ticks.ceiling).
            long word = ticks.word();
            if (word != 0) {
                long tat = s >>> TAT_SHIFT;
                int pending = pending(s);
                int epoch = Ticks.label(word);
                boolean bounded = true;
                int charged = 0;
                if (pending != 0 && label(s) != epoch) {
                    long ceiling = ticks.ceiling(word, label(s));
                    bounded = ceiling >= 0;
                    tat = Math.max(tat, ceiling) + pending * emission;
                    charged = pending;
                    pending = 0;
                }
                if (bounded && pending < MAX_PENDING) {
                    long floor = Ticks.floor(word);
                    if (Math.max(tat, floor) + (pending + 1) * emission - floor <= capacity) {
                        long witness = (long) STATE.compareAndExchange(this, s, pack(tat, pending + 1, epoch));
                        if (witness == s) {
                            if (charged != 0) {
                                limit.admitted.add(charged);
                            }
                            return 0;
                        }
                        s = witness;
                        continue;
                    }
                }
            } else {
                ticks.wake(); // a paused ticker starts again; no ticker (tests): nothing to do
            }
            // The clock, read after the state: no earlier than any pending call.
            long now = clock.micros();
            long next = Math.max(settled(s, now), now) + emission;
            long over = next - now - capacity;
            if (over > 0) {
                return over;
            }
            long witness = (long) STATE.compareAndExchange(this, s, pack(next, 0, 0));
            if (witness == s) {
                limit.admitted.add(pending(s) + 1);
                return 0;
            }
            s = witness;
        }
    }

    /**
     * The TAT the word leaves once its pending calls are placed in time: at their epoch's ceiling when known, else at
     * {@code now}, which must have been read after the word.
     */
    private long settled(long word, long now) {
        long tat = word >>> TAT_SHIFT;
        int pending = pending(word);
        if (pending == 0) {
            return tat;
        }
        long bound = now;
        Ticks ticks = limit.ticks;
        long current = ticks.word();
        if (current != 0 && Ticks.label(current) != label(word)) {
            long ceiling = ticks.ceiling(current, label(word));
            if (ceiling >= 0 && ceiling < now) {
                bound = ceiling;
            }
        }
        return Math.max(tat, bound) + pending * limit.numbers.emissionMicros;
    }

    /** Calls admitted and not yet added to the policy's count; 0 while the cell is locked (see {@link #unlock}). */
    int uncounted() {
        long s = (long) STATE.getVolatile(this);
        // Locked: what the word shows may already be counted (held is being placed in time); left to the next read.
        return (s & LOCKED) != 0 ? 0 : pending(s);
    }

    private static int pending(long word) {
        return (int) (word >>> PENDING_SHIFT) & MAX_PENDING;
    }

    private static int label(long word) {
        return (int) (word >>> LABEL_SHIFT) & Ticks.LABEL_MASK;
    }

    private long pack(long tat, int pending, int label) {
        if (tat > MAX_TAT) {
            // 35 years past the clock's origin: refused rather than wrapped round to an early time.
            throw new GuardUnavailableException(limit.name, "the in-memory limit cannot hold a time this late");
        }
        return tat << TAT_SHIFT | (long) pending << PENDING_SHIFT | (long) label << LABEL_SHIFT;
    }

    /** Places pending calls in time with the numbers they were admitted under (before the numbers change). */
    void settlePending(long now) {
        synchronized (this) {
            if (dead) {
                return;
            }
            lock();
            try {
                charge(now);
            } finally {
                unlock();
            }
        }
    }

    @Override
    void lock() {
        while (true) {
            long s = (long) STATE.getVolatile(this);
            if ((s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED)) {
                held = s;
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** Places the held word's pending calls in time and counts them. Under the lock. */
    private void charge(long now) {
        int pending = pending(held);
        held = pack(settled(held, now), 0, 0);
        if (pending != 0) {
            limit.admitted.add(pending);
        }
    }

    @Override
    void unlock() {
        if (dead && pending(held) != 0) {
            // Dropped with calls not yet counted (a reset, a reconfiguration): they were admitted all the same.
            limit.admitted.add(pending(held));
        }
        STATE.setVolatile(this, dead ? DEAD : held);
    }

    @Override
    long waitMicros(long now) {
        MemoryLimit.Numbers n = limit.numbers;
        long over = Math.max(settled(held, now), now) + n.emissionMicros - now - n.capacityMicros;
        return over > 0 ? over : 0;
    }

    @Override
    boolean admit(long now) {
        // The call itself is counted by the engine, as on every path under the lock.
        charge(now);
        held = pack(Math.max(held >>> TAT_SHIFT, now) + limit.numbers.emissionMicros, 0, 0);
        return true;
    }

    @Override
    RateLimitedException refusal(long now) {
        long s = (long) STATE.getVolatile(this);
        long tat = settled((s & LOCKED) != 0 ? held : s, now);
        MemoryLimit.Numbers n = limit.numbers;
        long wait = Math.max(0, Math.max(tat, now) + n.emissionMicros - now - n.capacityMicros);
        RateLimitPolicy p = n.policy;
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(), RateLimitPolicy.fromMicros(wait),
                RateLimitPolicy.fromMicros(Math.max(0, tat - now)));
    }

    @Override
    boolean idle(long now) {
        // Pending calls are placed in time first (then kept, see unlock): a cell they alone keep busy is dropped at the
        // next sweep rather than never.
        charge(now);
        return (held >>> TAT_SHIFT) <= now;
    }
}
