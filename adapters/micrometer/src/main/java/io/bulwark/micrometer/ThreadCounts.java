package io.bulwark.micrometer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact counters that the deciding threads add to without an atomic instruction: each thread adds to a cell of its
 * own (a plain add and an ordered store, a few loads to find it), and a reader sums the cells. For counts bumped on
 * every guarded call, where one uncontended {@code lock}-prefixed add ({@code AtomicLong}, {@code LongAdder},
 * Micrometer's counters) measured 5-6 ns against a 31 ns woven call (benchmarks/README.md, "Monitoring").
 *
 * <p>A thread finds its cell at its id's slot (or one of the next few); it claims a free slot, or one whose owner has
 * terminated, with a compare-and-set once, and keeps it while it lives. No update is ever lost: a cell has one writer
 * at a time, and a thread takes over a dead one's cell only after seeing it terminated (which happens-before: the dead
 * thread's last count is the new owner's start). A thread that finds no slot (more live threads than slots, or a
 * run of short-lived virtual threads) adds to a shared {@link LongAdder}: what every add cost before, no worse. A
 * reader may miss the very latest adds of a running thread, never count one twice; sums only grow.
 *
 * <p>Not API.
 */
public final class ThreadCounts {

    private static final VarHandle CELLS = MethodHandles.arrayElementVarHandle(Cell[].class);
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle OWNER;
    /** Slots a thread tries from its home slot on before it adds to the shared adders. */
    private static final int PROBES = 4;
    private static final long[] EMPTY = new long[0];
    private static final LongAdder[] NO_ADDERS = new LongAdder[0];

    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(Cell.class, "owner", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A power of two long: {@code id & (length - 1)} needs no bounds check and no field of its own. */
    private final Cell[] cells;
    /** For threads without a cell: grown under this object's lock, the adders themselves never replaced. */
    private volatile LongAdder[] shared = NO_ADDERS;

    /** @param slots how many threads can hold a cell at once, rounded up to a power of two */
    public ThreadCounts(int slots) {
        int n = Integer.highestOneBit(Math.max(2, slots) - 1) << 1;
        this.cells = new Cell[n];
    }

    /** Adds one to counter {@code index} (from 0, kept small: each cell grows to the largest index it adds to). */
    public void increment(int index) {
        Thread t = Thread.currentThread();
        // A plain read: a stale null or another owner only sends this call the slow way. Only t ever writes t here.
        Cell[] all = cells;
        Cell c = all[(int) t.getId() & (all.length - 1)];
        if (c != null && c.owner == t) {
            long[] n = c.counts;
            if (index < n.length) {
                COUNTS.setOpaque(n, index, n[index] + 1);
                return;
            }
        }
        incrementSlowly(t, index);
    }

    private void incrementSlowly(Thread t, int index) {
        Cell c = claim(t);
        if (c == null) {
            adder(index).increment();
            return;
        }
        long[] n = c.counts;
        if (index >= n.length) {
            // Only the owner writes its cell, so the copy misses nothing; readers see the old array or this one.
            n = Arrays.copyOf(n, Math.max(index + 1, 2 * n.length));
            c.counts = n;
        }
        COUNTS.setOpaque(n, index, n[index] + 1);
    }

    /** The cell {@code t} owns or now claims, or null when every slot it may use belongs to a live thread. */
    private Cell claim(Thread t) {
        int home = (int) t.getId();
        for (int k = 0; k < PROBES; k++) {
            int i = (home + k) & (cells.length - 1);
            Cell c = (Cell) CELLS.getVolatile(cells, i);
            if (c == null) {
                Cell mine = new Cell(t);
                if (CELLS.compareAndSet(cells, i, null, mine)) {
                    return mine;
                }
                c = (Cell) CELLS.getVolatile(cells, i);
            }
            Thread owner = (Thread) OWNER.getVolatile(c);
            if (owner == t) {
                return c;
            }
            // Its termination happens-before isAlive() answers false: its last add is in the counts taken over.
            if (!owner.isAlive() && OWNER.compareAndSet(c, owner, t)) {
                return c;
            }
        }
        return null;
    }

    private LongAdder adder(int index) {
        LongAdder[] a = shared;
        if (index < a.length && a[index] != null) {
            return a[index];
        }
        synchronized (this) {
            a = shared;
            if (index >= a.length) {
                a = Arrays.copyOf(a, Math.max(index + 1, 2 * a.length));
            }
            if (a[index] == null) {
                a[index] = new LongAdder();
            }
            shared = a;
            return a[index];
        }
    }

    /** Counter {@code index} now: every add that happened-before this call, and perhaps some made meanwhile. */
    public long sum(int index) {
        long sum = 0;
        LongAdder[] a = shared;
        if (index < a.length && a[index] != null) {
            sum = a[index].sum();
        }
        for (int i = 0; i < cells.length; i++) {
            Cell c = (Cell) CELLS.getVolatile(cells, i);
            if (c != null) {
                long[] n = c.counts;
                if (index < n.length) {
                    sum += (long) COUNTS.getOpaque(n, index);
                }
            }
        }
        return sum;
    }

    private static final class Cell {
        /** Written through {@link #OWNER}; read plainly on the fast path, which only compares it with itself. */
        private Thread owner;
        /** Replaced (grown) only by the owner. */
        volatile long[] counts = EMPTY;

        Cell(Thread owner) {
            this.owner = owner;
        }
    }
}
