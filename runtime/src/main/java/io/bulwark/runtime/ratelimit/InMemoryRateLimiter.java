package io.bulwark.runtime.ratelimit;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.log.Log;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded rate-limit engine: exact, per JVM.
 *
 * <p>Each key's state is a {@link Cell} guarded by its own monitor. One limit locks one cell; several limits
 * lock their cells in id order, check them all, and commit only if all admit — all-or-nothing without a
 * global lock. Idle cells are dropped by a background sweep (started with the first cell, never in premain),
 * so memory follows the keys in use. At most {@code maxKeys} cells are held; past that, a new key is treated
 * as a store failure: refused, unless its policy says {@link StoreFailure#OPEN} (lockouts always refuse).
 */
public final class InMemoryRateLimiter implements RateLimiter {

    /** Keys longer than this are kept as a SHA-256 digest: a 1 MB key costs 64 bytes, not 1 MB. */
    static final int MAX_PLAIN_KEY_LENGTH = 128;
    private static final long SWEEP_PERIOD_SECONDS = 10;
    private static final long MIN_FORCED_SWEEP_GAP_MICROS = 1_000_000;
    private static final Object RETRY = new Object();

    private final MicroClock clock;
    private final int maxKeys;
    private final boolean backgroundSweep;
    private final AtomicInteger cellCount = new AtomicInteger();
    private final AtomicLong cellIds = new AtomicLong();
    private final AtomicLong lastForcedSweep = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicBoolean full = new AtomicBoolean();
    private final List<MemoryLimit> limits = new CopyOnWriteArrayList<>();
    private volatile Thread sweeper;

    /**
     * @param backgroundSweep start a daemon thread that drops idle cells; tests with a manual clock call
     *                        {@link #sweep()} themselves
     */
    public InMemoryRateLimiter(MicroClock clock, int maxKeys, boolean backgroundSweep) {
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.backgroundSweep = backgroundSweep;
    }

    @Override
    public Limit limit(RateLimitPolicy policy) {
        MemoryLimit limit = new MemoryLimit(policy);
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
            return acquireOne((MemoryLimit) limits[0], keys[0]);
        }
        Object token;
        do {
            token = acquireAll(limits, keys);
        } while (token == RETRY);
        return token;
    }

    // The one-limit case is by far the most common and is kept free of arrays and sorting.
    private Object acquireOne(MemoryLimit limit, String key) {
        while (true) {
            Cell cell = cell(limit, key);
            if (cell == null) {
                return null;
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
                    return new Reservation(limit, compact(key), failures, failures.reserve(now));
                }
                cell.admit(now);
                return null;
            }
        }
    }

    private Object acquireAll(Limit[] limits, String[] keys) {
        Cell[] cells = new Cell[limits.length];
        String[] stored = new String[limits.length];
        int n = 0;
        for (int i = 0; i < limits.length; i++) {
            Cell cell = cell((MemoryLimit) limits[i], keys[i]);
            if (cell != null) {
                stored[n] = compact(keys[i]);
                cells[n++] = cell;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(cells[a].id, cells[b].id));
        Cell[] ordered = new Cell[n];
        String[] orderedKeys = new String[n];
        for (int i = 0; i < n; i++) {
            ordered[i] = cells[order[i]];
            orderedKeys[i] = stored[order[i]];
        }
        return lockAndDecide(ordered, orderedKeys, 0);
    }

    private Object lockAndDecide(Cell[] ordered, String[] keys, int index) {
        if (index < ordered.length) {
            synchronized (ordered[index]) {
                return lockAndDecide(ordered, keys, index + 1);
            }
        }
        for (Cell cell : ordered) {
            if (cell.dead) {
                return RETRY;
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
        int failureCells = 0;
        for (Cell cell : ordered) {
            if (cell instanceof FailureCell) {
                failureCells++;
            } else {
                cell.admit(now);
            }
        }
        if (failureCells == 0) {
            return null;
        }
        Reservation[] toSettle = new Reservation[failureCells];
        int i = 0;
        for (int c = 0; c < ordered.length; c++) {
            if (ordered[c] instanceof FailureCell failures) {
                toSettle[i++] = new Reservation(failures.limit, keys[c], failures, failures.reserve(now));
            }
        }
        return toSettle;
    }

    /**
     * An attempt's slot in a failure-counting cell. The key is kept so that an attempt whose cell was dropped while it
     * ran (its reservation expired and the sweeper found the cell idle, or the key was reset) still counts its failure.
     */
    private record Reservation(MemoryLimit limit, String storedKey, FailureCell cell, long id) {
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
        FailureCell cell = reservation.cell();
        synchronized (cell) {
            if (!cell.dead) {
                cell.settle(reservation.id(), thrown, cancelled, clock.micros());
                return;
            }
        }
        if (cancelled || thrown == null) {
            // The cell is gone with its reservation: a success has nothing to reset, a cancellation nothing to give.
            return;
        }
        try {
            while (true) {
                Cell live = cell(reservation.limit(), reservation.storedKey());
                synchronized (live) {
                    if (!live.dead) {
                        // No reservation of this attempt in the new cell: only its failure is counted.
                        ((FailureCell) live).settle(0, thrown, false, clock.micros());
                        return;
                    }
                }
            }
        } catch (GuardUnavailableException full) {
            Log.debug("a late failure of policy '" + reservation.limit().policy.name() + "' was not counted: "
                    + full.getMessage());
        }
    }

    /** The key's cell, created if need be; {@code null} when the table is full and the policy admits uncounted. */
    private Cell cell(MemoryLimit limit, String key) {
        String stored = compact(key);
        Cell cell = limit.cells.get(stored);
        if (cell != null) {
            return cell;
        }
        if (!reserveCellSlot()) {
            forceSweep();
            if (!reserveCellSlot()) {
                return whenFull(limit.policy);
            }
        }
        Cell fresh = limit.newCell(cellIds.incrementAndGet());
        Cell raced = limit.cells.putIfAbsent(stored, fresh);
        if (raced != null) {
            cellCount.decrementAndGet();
            return raced;
        }
        startSweeperOnce();
        return fresh;
    }

    private boolean reserveCellSlot() {
        if (cellCount.incrementAndGet() <= maxKeys) {
            if (full.compareAndSet(true, false)) {
                Log.info("in-memory rate-limit table has room again (bulwark.ratelimit.max-keys=" + maxKeys + ")");
            }
            return true;
        }
        cellCount.decrementAndGet();
        return false;
    }

    private Cell whenFull(RateLimitPolicy policy) {
        if (full.compareAndSet(false, true)) {
            Log.error("in-memory rate-limit table is full (bulwark.ratelimit.max-keys=" + maxKeys
                    + "): calls with new keys are refused, or admitted uncounted where a policy says OPEN");
        }
        if (policy.onStoreFailure() == StoreFailure.OPEN && policy.count() == Count.CALLS) {
            return null;
        }
        throw new GuardUnavailableException(policy.name(), "too many rate-limit keys in use");
    }

    static String compact(String key) {
        if (key.length() <= MAX_PLAIN_KEY_LENGTH) {
            return key;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // '#' cannot start a rendered key (they start with a length or '-'), so digests never meet plain keys.
            return "#" + HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
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
        String stored = compact(renderedKey);
        boolean found = false;
        for (MemoryLimit limit : limits) {
            if (!limit.policy.name().equals(policy)) {
                continue;
            }
            Cell cell = limit.cells.get(stored);
            if (cell != null) {
                synchronized (cell) {
                    // An attempt in flight settles against a fresh cell: its failure, if it fails, counts anew.
                    if (!cell.dead && limit.cells.remove(stored, cell)) {
                        cell.dead = true;
                        cellCount.decrementAndGet();
                        found = true;
                    }
                }
            }
        }
        return found;
    }

    /** Drops every idle cell; returns how many. */
    public int sweep() {
        int dropped = 0;
        for (MemoryLimit limit : limits) {
            for (Map.Entry<String, Cell> entry : limit.cells.entrySet()) {
                Cell cell = entry.getValue();
                synchronized (cell) {
                    if (!cell.dead && cell.idle(clock.micros())) {
                        cell.dead = true;
                        limit.cells.remove(entry.getKey(), cell);
                        cellCount.decrementAndGet();
                        dropped++;
                    }
                }
            }
        }
        return dropped;
    }

    /** Cells held now, for tests and diagnostics. */
    public int size() {
        return cellCount.get();
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
            }
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            Log.error("rate-limit sweep failed: " + e);
        }
    }
}
