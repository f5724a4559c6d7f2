package io.bulwark.runtime.ratelimit;

import io.bulwark.RateLimitedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * GCRA for {@code count = CALLS}: one number, the theoretical arrival time (TAT). Each call pushes the TAT one
 * emission interval ({@code window / limit}) later; a call is admitted while the TAT stays within one capacity
 * ({@code limit} intervals) of now. A full bucket admits {@code limit} calls at once; after that, one per interval.
 *
 * <p>Lock-free on the common path, a method with one limit: one compare-and-set of one word ({@code TAT << 1}), no
 * monitor. A contended monitor was what made two threads on one hot key cost 229 ns a call (it inflates and parks);
 * a CAS that loses is simply tried again with the winner's TAT, which is exact. The low bit is a lock taken by the
 * few who must hold the cell still across a decision: a method with several limits (all-or-nothing, under the cells'
 * monitors in id order) and the sweeper. Single-limit callers who meet it wait a few instructions for it.
 */
final class GcraCell extends Cell {

    /** What {@link #tryAcquire} answers when the sweeper dropped the cell: look the key up again. */
    static final long DEAD_CELL = -1;

    private static final long LOCKED = 1;
    private static final long DEAD = -1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(GcraCell.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@code tat << 1}, with the low bit set while locked; {@link #DEAD} once dropped. */
    @SuppressWarnings("unused")
    private volatile long state;
    /** The TAT while this cell is locked. */
    private long held;

    GcraCell(long id, MemoryLimit limit, Object key, int generation) {
        super(id, limit, key, generation);
    }

    /**
     * Admits one call at {@code now} if the limit allows.
     *
     * @return 0 when admitted, the wait in microseconds when refused, {@link #DEAD_CELL} when the cell was dropped
     */
    long tryAcquire(long now) {
        // One volatile load for both numbers (see MemoryLimit.Numbers): the same cost as two final fields on x86.
        MemoryLimit.Numbers n = limit.numbers;
        long emission = n.emissionMicros;
        long capacity = n.capacityMicros;
        while (true) {
            long s = (long) STATE.getVolatile(this);
            if ((s & LOCKED) != 0) {
                if (s == DEAD) {
                    return DEAD_CELL;
                }
                Thread.onSpinWait();
                continue;
            }
            long next = Math.max(s >> 1, now) + emission;
            long over = next - now - capacity;
            if (over > 0) {
                return over;
            }
            if (STATE.compareAndSet(this, s, next << 1)) {
                return 0;
            }
        }
    }

    @Override
    void lock() {
        while (true) {
            long s = (long) STATE.getVolatile(this);
            if ((s & LOCKED) == 0 && STATE.compareAndSet(this, s, s | LOCKED)) {
                held = s >> 1;
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    void unlock() {
        STATE.setVolatile(this, dead ? DEAD : held << 1);
    }

    @Override
    long waitMicros(long now) {
        MemoryLimit.Numbers n = limit.numbers;
        long over = Math.max(held, now) + n.emissionMicros - now - n.capacityMicros;
        return over > 0 ? over : 0;
    }

    @Override
    boolean admit(long now) {
        held = Math.max(held, now) + limit.numbers.emissionMicros;
        return true;
    }

    @Override
    RateLimitedException refusal(long now) {
        long s = (long) STATE.getVolatile(this);
        long tat = (s & LOCKED) != 0 ? held : s >> 1;
        MemoryLimit.Numbers n = limit.numbers;
        long wait = Math.max(0, Math.max(tat, now) + n.emissionMicros - now - n.capacityMicros);
        RateLimitPolicy p = n.policy;
        return new RateLimitedException(p.name(), p.limit(), 0, p.window(), RateLimitPolicy.fromMicros(wait),
                RateLimitPolicy.fromMicros(Math.max(0, tat - now)));
    }

    @Override
    boolean idle(long now) {
        return held <= now;
    }
}
