package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.key.KeyExtractor;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Monitor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The embedded rate-limit engine: exact, per JVM.
 *
 * <p>Each key's state is a {@link Cell}. A method with one limit (by far the most common) takes one compare-and-set
 * on a GCRA cell, or the monitor of a failures or sliding-window cell. Several limits lock their cells in id order,
 * check them all, and commit only if all admit: all-or-nothing without a global lock.
 *
 * <p>Memory is bounded in bytes ({@code bulwark.ratelimit.max-memory}) and in keys ({@code bulwark.ratelimit.max-keys})
 * by a {@link MemoryBudget}; cells are sized by use. Idle cells (holding nothing a new one would not) are dropped by a
 * background sweep (started with the first cell, never in premain), and at once when the budget runs short, before
 * anything is refused. When it is still short, only the policy that outgrew its share is refused new keys (as a store
 * failure: refused, unless its policy says {@link StoreFailure#OPEN}; lockouts always refuse); known keys are always
 * served.
 */
public final class InMemoryRateLimiter implements RateLimiter {

    /** Keys longer than this are kept as a SHA-256 digest: a 1 MB key costs 64 bytes, not 1 MB. */
    static final int MAX_PLAIN_KEY_LENGTH = 128;
    private static final long SWEEP_PERIOD_SECONDS = 10;
    private static final long MIN_FORCED_SWEEP_GAP_MICROS = 1_000_000;
    private static final long TICK_NANOS = 1_000_000;
    /** Ticks between pauses of the ticker (Ticks.pause): about a second. */
    private static final int BURST_TICKS = 1_000;
    private static final Object RETRY = new Object();

    /** A key too long to keep as itself. A type of its own, so that no plain key can equal it. */
    record Digest(String sha256) {
    }

    private final MicroClock clock;
    private final boolean backgroundSweep;
    private final AtomicLong cellIds = new AtomicLong();
    private final AtomicLong lastForcedSweep = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicBoolean full = new AtomicBoolean();
    private final List<MemoryLimit> limits = new CopyOnWriteArrayList<>();
    private final MemoryBudget budget;
    /** Epochs that spare most GCRA calls the clock; ticking only with {@code backgroundSweep} (else tests tick). */
    private final Ticks ticks;
    private volatile Thread sweeper;

    /** With the default memory bound, {@link #defaultMaxMemory()}. */
    public InMemoryRateLimiter(MicroClock clock, int maxKeys, boolean backgroundSweep) {
        this(clock, maxKeys, defaultMaxMemory(), backgroundSweep);
    }

    /**
     * @param maxMemory       bytes the cells may take, at most (estimated)
     * @param backgroundSweep start a daemon thread that drops idle cells; tests with a manual clock call
     *                        {@link #sweep()} themselves
     */
    public InMemoryRateLimiter(MicroClock clock, int maxKeys, long maxMemory, boolean backgroundSweep) {
        this.clock = clock;
        this.backgroundSweep = backgroundSweep;
        this.budget = new MemoryBudget(maxMemory, maxKeys, limits);
        this.ticks = new Ticks(clock);
    }

    /** {@code bulwark.ratelimit.max-memory}'s default: 5% of the heap the JVM may grow to, and at least 4 MB. */
    public static long defaultMaxMemory() {
        return Math.max(4L << 20, Runtime.getRuntime().maxMemory() / 20);
    }

    @Override
    public Limit limit(RateLimitPolicy policy) {
        MemoryLimit limit = new MemoryLimit(policy, budget, ticks);
        limits.add(limit);
        return limit;
    }

    @Override
    public String describe() {
        return "in memory (this JVM only)";
    }

    @Override
    public Object acquire(Limit[] limits, String[] keys) {
        if (limits.length == 1) {
            // As the other entry points store it: a single-value key under its value, not under its framed form.
            MemoryLimit memory = (MemoryLimit) limits[0];
            return acquireOne(memory, memory.stored(keys[0]));
        }
        Object token;
        do {
            token = acquireAll(limits, keys);
        } while (token == RETRY);
        for (Limit limit : limits) {
            ((MemoryLimit) limit).admitted.increment();
        }
        return token;
    }

    @Override
    public Object acquire(Limit limit, String key) {
        MemoryLimit memory = (MemoryLimit) limit;
        return acquireOne(memory, memory.stored(key));
    }

    @Override
    public Object acquire(Limit limit, KeyExtractor key, Object[] args) {
        MemoryLimit memory = (MemoryLimit) limit;
        Object stored;
        if (memory.global) {
            stored = "";
        } else if (memory.singleSource) {
            String text = key.text(args);
            stored = text == null ? MemoryLimit.NULL : compact(text);
        } else {
            stored = compact(key.extract(args));
        }
        return acquireOne(memory, stored);
    }

    @Override
    public Object acquireArgument(Limit limit, KeyExtractor key, Object argument) {
        MemoryLimit memory = (MemoryLimit) limit;
        Object stored;
        if (memory.singleSource) {
            String text = key.textOfArgument(argument);
            stored = text == null ? MemoryLimit.NULL : compact(text);
        } else {
            stored = compact(key.extractArgument(argument));
        }
        return acquireOne(memory, stored);
    }

    // The one-limit case is kept free of arrays, sorting and, for GCRA, of locks. Admitted calls are counted where
    // decided (GcraCell counts its own); on the paths under a monitor, the count's add is small beside it.
    private Object acquireOne(MemoryLimit limit, Object key) {
        while (true) {
            Cell cell = cell(limit, key);
            if (cell == null) {
                limit.admitted.increment();
                return null;
            }
            if (cell instanceof GcraCell gcra) {
                long wait = gcra.tryAcquire(ticks, clock);
                if (wait == 0) {
                    return null;
                }
                if (wait == GcraCell.DEAD_CELL) {
                    continue;
                }
                throw gcra.refusal(clock.micros());
            }
            synchronized (cell) {
                if (cell.dead) {
                    continue;
                }
                long now = clock.micros();
                if (cell.waitMicros(now) > 0) {
                    throw cell.refusal(now);
                }
                if (cell instanceof FailureCell failures) {
                    long reservation = failures.reserve(now);
                    if (reservation == FailureCell.NO_ROOM) {
                        throw outOfMemory(limit.policy());
                    }
                    Reservation taken = new Reservation(failures, reservation);
                    leases.add(taken);
                    limit.admitted.increment();
                    return taken;
                }
                if (!cell.admit(now)) {
                    throw outOfMemory(limit.policy());
                }
                limit.admitted.increment();
                return null;
            }
        }
    }

    private Object acquireAll(Limit[] limits, String[] keys) {
        Cell[] cells = new Cell[limits.length];
        int n = 0;
        for (int i = 0; i < limits.length; i++) {
            MemoryLimit limit = (MemoryLimit) limits[i];
            Cell cell = cell(limit, limit.stored(keys[i]));
            if (cell != null) {
                cells[n++] = cell;
            }
        }
        Cell[] ordered = Arrays.copyOf(cells, n);
        Arrays.sort(ordered, (a, b) -> Long.compare(a.id, b.id));
        return lockAndDecide(ordered, 0);
    }

    private Object lockAndDecide(Cell[] ordered, int index) {
        if (index < ordered.length) {
            Cell cell = ordered[index];
            synchronized (cell) {
                if (cell.dead) {
                    return RETRY;
                }
                cell.lock();
                try {
                    return lockAndDecide(ordered, index + 1);
                } finally {
                    cell.unlock();
                }
            }
        }
        long now = clock.micros();
        Cell refusing = null;
        long longestWait = 0;
        for (Cell cell : ordered) {
            long wait = cell.waitMicros(now);
            if (wait > longestWait) {
                longestWait = wait;
                refusing = cell;
            }
        }
        if (refusing != null) {
            // The call is admitted only when every limit admits it: report the one that frees up last.
            throw refusing.refusal(now);
        }
        // Failures cells first: only they can be refused room, and GCRA and window cells admit unconditionally.
        int failureCells = 0;
        for (Cell cell : ordered) {
            if (cell instanceof FailureCell) {
                failureCells++;
            }
        }
        Reservation[] toSettle = failureCells == 0 ? null : new Reservation[failureCells];
        int taken = 0;
        for (Cell cell : ordered) {
            if (cell instanceof FailureCell failures) {
                long reservation = failures.reserve(now);
                if (reservation == FailureCell.NO_ROOM) {
                    for (int i = 0; i < taken; i++) {
                        leases.remove(toSettle[i]);
                        toSettle[i].cell().settle(toSettle[i].id(), null, true, now);
                    }
                    throw outOfMemory(cell.limit.policy());
                }
                toSettle[taken++] = new Reservation(failures, reservation);
                leases.add(toSettle[taken - 1]);
            }
        }
        for (Cell cell : ordered) {
            if (!(cell instanceof FailureCell)) {
                cell.admit(now);
            }
        }
        return toSettle;
    }

    /**
     * An attempt's slot in a failure-counting cell. Should the cell be dropped while the attempt runs (the key was
     * reset), the cell still names its limit and key, so that a failure is counted in the key's new cell.
     */
    private record Reservation(FailureCell cell, long id) {
    }

    /** Reservations of calls still running, extended while they run (see {@link Leases}). */
    private final Leases<Reservation> leases = new Leases<>("bulwark-memory-leases", new Extend());

    /** A class, not {@code this::extend}: no lambda is spun while the engine is built in premain. */
    private final class Extend implements Consumer<List<Reservation>> {
        @Override
        public void accept(List<Reservation> running) {
            extend(running);
        }
    }

    private void extend(List<Reservation> running) {
        long until = clock.micros() + RESERVATION_TTL_MICROS;
        for (Reservation reservation : running) {
            FailureCell cell = reservation.cell();
            synchronized (cell) {
                if (!cell.dead) {
                    cell.extend(reservation.id(), until);
                }
            }
        }
    }

    /** Extends every running call's reservations now, as the timer does each period (for tests). */
    void extendLeases() {
        leases.extendNow();
    }

    @Override
    public void settle(Object token, Throwable thrown) {
        settle(token, thrown, false);
    }

    @Override
    public void release(Object token) {
        settle(token, null, true);
    }

    private void settle(Object token, Throwable thrown, boolean cancelled) {
        if (token instanceof Reservation reservation) {
            settle(reservation, thrown, cancelled);
        } else if (token instanceof Reservation[] reservations) {
            for (Reservation reservation : reservations) {
                settle(reservation, thrown, cancelled);
            }
        }
    }

    private void settle(Reservation reservation, Throwable thrown, boolean cancelled) {
        leases.remove(reservation);
        FailureCell cell = reservation.cell();
        synchronized (cell) {
            if (!cell.dead) {
                cell.settle(reservation.id(), thrown, cancelled, clock.micros());
                return;
            }
        }
        if (cancelled || thrown == null || cell.generation != cell.limit.numbers.generation) {
            // The cell is gone with its reservation: a success has nothing to reset, a cancellation nothing to give.
            // A cell of an older generation (the policy switched algorithm or mode since) left its state behind: the
            // attempt it admitted counts in nothing newer (an attempt admitted in shadow mode never locks anyone).
            return;
        }
        try {
            while (true) {
                Cell live = cell(cell.limit, cell.key);
                if (live == null) {
                    return;
                }
                synchronized (live) {
                    if (!live.dead) {
                        // No reservation of this attempt in the new cell: only its failure is counted.
                        ((FailureCell) live).settle(0, thrown, false, clock.micros());
                        return;
                    }
                }
            }
        } catch (GuardUnavailableException full) {
            Log.debug("a late failure of policy '" + cell.limit.name + "' was not counted: "
                    + full.getMessage());
        }
    }

    /** The key's cell, created if need be; {@code null} when memory is short and the policy admits uncounted. */
    private Cell cell(MemoryLimit limit, Object stored) {
        boolean global = limit.global && stored instanceof String s && s.isEmpty();
        if (global) {
            Cell cached = limit.globalCell;
            if (cached != null && !cached.dead) {
                return cached;
            }
        }
        Cell cell = limit.cells.get(stored);
        if (cell != null) {
            if (global) {
                limit.globalCell = cell;
            }
            return cell;
        }
        long bytes = MemoryBudget.keyBytes(stored instanceof String s ? s.length() : 64) + limit.cellBytes();
        if (!reserve(limit, bytes)) {
            forceSweep();
            if (!reserve(limit, bytes)) {
                return whenFull(limit.policy());
            }
        }
        Cell fresh = limit.newCell(cellIds.incrementAndGet(), stored);
        fresh.bytes = bytes;
        Cell raced = limit.cells.putIfAbsent(stored, fresh);
        if (raced != null) {
            budget.release(limit, bytes, 1);
            return raced;
        }
        if (fresh.generation != limit.numbers.generation) {
            // Made for a policy replaced meanwhile (reconfigure): dropped here, or by reconfigure's own pass, which
            // runs after the new numbers are published; whoever finds it dead looks the key up again.
            drop(fresh, false);
        }
        if (global) {
            limit.globalCell = fresh;
        }
        startSweeperOnce();
        return fresh;
    }

    private boolean reserve(MemoryLimit limit, long bytes) {
        if (budget.reserve(limit, bytes, 1)) {
            if (full.compareAndSet(true, false)) {
                Log.info("in-memory rate limits have room again (" + bounds() + ")");
            }
            return true;
        }
        return false;
    }

    private String bounds() {
        return "bulwark.ratelimit.max-memory=" + budget.maxBytes() + " bytes, bulwark.ratelimit.max-keys="
                + budget.maxKeys() + "; " + budget.bytes() + " bytes and " + budget.keys() + " keys in use";
    }

    private Cell whenFull(RateLimitPolicy policy) {
        if (full.compareAndSet(false, true)) {
            Log.error("in-memory rate-limit table is full for policy '" + policy.name() + "' (" + bounds()
                    + "): its new keys are refused, or admitted uncounted where it says OPEN; other policies keep "
                    + "their share");
        }
        if (policy.onStoreFailure() == StoreFailure.OPEN && policy.count() == Count.CALLS) {
            return null;
        }
        throw new GuardUnavailableException(policy.name(), "too many rate-limit keys in use");
    }

    private GuardUnavailableException outOfMemory(RateLimitPolicy policy) {
        if (full.compareAndSet(false, true)) {
            Log.error("in-memory rate-limit table is full for policy '" + policy.name() + "' (" + bounds()
                    + "): a key's failures cannot grow; such calls are refused");
        }
        return new GuardUnavailableException(policy.name(), "too many rate-limit keys in use");
    }

    static Object compact(String key) {
        // The common key is short: kept as itself, no copy.
        if (key.length() <= MAX_PLAIN_KEY_LENGTH) {
            return key;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return new Digest(HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    private void forceSweep() {
        long now = clock.micros();
        long last = lastForcedSweep.get();
        // Under a flood of new keys a sweep per call would cost O(keys) each: at most one a second.
        if (now - last >= MIN_FORCED_SWEEP_GAP_MICROS && lastForcedSweep.compareAndSet(last, now)) {
            sweep();
        }
    }

    @Override
    public boolean reset(String policy, String renderedKey) {
        boolean found = false;
        for (MemoryLimit limit : limits) {
            if (!limit.name.equals(policy)) {
                continue;
            }
            Cell cell = limit.cells.get(limit.stored(renderedKey));
            // An attempt in flight then settles against a fresh cell: its failure, if it fails, counts anew.
            if (cell != null && drop(cell, false)) {
                found = true;
            }
        }
        return found;
    }

    @Override
    public void reconfigure(Limit limit, RateLimitPolicy policy) {
        MemoryLimit memory = (MemoryLimit) limit;
        MemoryLimit.Numbers old = memory.numbers;
        boolean fresh = old.policy.keepsStateApartFrom(policy);
        if (!fresh && old.policy.algorithm() != Algorithm.SLIDING_WINDOW) {
            // Calls a GCRA cell admitted without the clock are charged later: with the emission they came under.
            long now = clock.micros();
            for (Cell cell : memory.cells.values()) {
                if (cell instanceof GcraCell gcra) {
                    gcra.settlePending(now);
                }
            }
        }
        memory.numbers = new MemoryLimit.Numbers(policy, fresh ? old.generation + 1 : old.generation);
        if (fresh) {
            // Another kind of state (another algorithm) or another mode: the policy starts afresh, as it does in
            // Redis, where the kind and the mode are part of the key. Calls that meet a dropped cell look again.
            for (Cell cell : memory.cells.values()) {
                drop(cell, false);
            }
        }
    }

    /** Removes {@code cell} (only when idle, unless {@code always}) and gives back what it held. */
    private boolean drop(Cell cell, boolean onlyIdle) {
        synchronized (cell) {
            if (cell.dead) {
                return false;
            }
            cell.lock();
            try {
                if (onlyIdle && !cell.idle(clock.micros())) {
                    return false;
                }
                if (!cell.limit.cells.remove(cell.key, cell)) {
                    return false;
                }
                cell.dead = true;
            } finally {
                cell.unlock();
            }
            budget.release(cell.limit, cell.bytes, 1);
            return true;
        }
    }

    /** Drops every idle cell; returns how many. */
    public int sweep() {
        int dropped = 0;
        for (MemoryLimit limit : limits) {
            for (Cell cell : limit.cells.values()) {
                if (drop(cell, true)) {
                    dropped++;
                }
            }
        }
        return dropped;
    }

    /** Starts the next epoch of the clock-free GCRA path, as the ticker thread does each millisecond (for tests). */
    void tick() {
        ticks.tick();
    }

    /** Cells held now, for tests and diagnostics. */
    public int size() {
        return (int) budget.keys();
    }

    /** Bytes the cells hold now, as estimated for the budget: for tests and diagnostics. */
    public long memoryUsed() {
        return budget.bytes();
    }
    private void startSweeperOnce() {
        if (!backgroundSweep || sweeper != null) {
            return;
        }
        synchronized (this) {
            if (sweeper == null) {
                // A plain daemon thread rather than a scheduled executor and lambdas: it starts as the first guard
                // registers, often while the application starts (see "Agent startup" in benchmarks/README.md).
                Thread t = new Thread(new Runnable() {
                    @Override
                    public void run() {
                        while (true) {
                            try {
                                TimeUnit.SECONDS.sleep(SWEEP_PERIOD_SECONDS);
                            } catch (InterruptedException e) {
                                return;
                            }
                            sweepQuietly();
                        }
                    }
                }, "bulwark-ratelimit-sweeper");
                t.setDaemon(true);
                t.start();
                sweeper = t;
                startTicker();
            }
        }
    }

    /**
     * One tick a millisecond: measured at 1.3% of one core on the 2-core KVM benchmark machine (13 µs a wake-up,
     * benchmarks/README.md), for a clock read saved on most admitted calls. Safety never rests on it (see
     * {@link Ticks}): while it is late, calls are charged later or read the clock. It ticks in bursts of about a
     * second, each followed by a pause that lasts until a call comes ({@link Ticks#pause}): a JVM whose limits are
     * idle pays nothing for it.
     */
    private void startTicker() {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                while (!Thread.currentThread().isInterrupted()) {
                    for (int i = 0; i < BURST_TICKS; i++) {
                        ticks.tick();
                        LockSupport.parkNanos(TICK_NANOS);
                    }
                    // Admitted calls no longer look at JFR (they are counted, see GcraCell): this thread, running while
                    // calls come, sets the periodic counts event up once a recording has started (a flag read).
                    Monitor.noticeJfr();
                    // Parked until a call finds the word 0 (Ticks.pause): an idle JVM costs nothing.
                    ticks.pause();
                    while (ticks.paused() && !Thread.currentThread().isInterrupted()) {
                        LockSupport.park(ticks);
                    }
                }
            }
        }, "bulwark-ratelimit-clock");
        t.setDaemon(true);
        ticks.ticker(t);
        t.start();
    }

    /** The epochs of the clock-free GCRA path, for tests. */
    Ticks ticks() {
        return ticks;
    }

    /** Pauses the clock-free GCRA path, as the ticker thread does after each burst of ticks (for tests). */
    void pauseTicks() {
        ticks.pause();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            Log.error("rate-limit sweep failed: " + e);
        }
    }
}
