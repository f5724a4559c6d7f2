package io.bulwark.runtime.ratelimit;

import io.bulwark.runtime.log.Log;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The lockout reservations of calls still running, extended every third of {@link RateLimiter#RESERVATION_TTL_MICROS}
 * so that a reservation lives as long as its call however long that is (a login stuck 5 minutes behind a slow
 * directory must not free its slot after 60 s and let a {@code limit + 1}-th guess in).
 *
 * <p>Held weakly: a call abandoned for good (an asynchronous call whose future nobody completes, nor holds any more) is
 * collected, stops being extended, and its reservation expires, which counts as a failure. A JVM that dies extends
 * nothing either: its reservations expire in Redis and count the same way.
 *
 * <p>One daemon thread per engine, started with the first reservation (never in premain).
 */
public final class Leases<T> implements AutoCloseable {

    /** How often reservations are extended: three chances before one expires. */
    public static final long PERIOD_MICROS = RateLimiter.RESERVATION_TTL_MICROS / 3;

    private final Set<T> live = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private final Consumer<List<T>> extend;
    private final String name;
    private ScheduledExecutorService timer;
    private boolean closed;

    /** @param extend extends the reservations of the calls given, all still running */
    public Leases(String name, Consumer<List<T>> extend) {
        this.name = name;
        this.extend = extend;
    }

    /** {@code lease} is running: extend it until {@link #remove}. Leases must compare by identity. */
    public void add(T lease) {
        live.add(lease);
        start();
    }

    public void remove(T lease) {
        live.remove(lease);
    }

    /** Extends every running lease now: what the timer does each period. */
    public void extendNow() {
        List<T> running;
        synchronized (live) {
            running = new ArrayList<>(live);
        }
        if (!running.isEmpty()) {
            extend.accept(running);
        }
    }

    private synchronized void start() {
        if (timer != null || closed) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(new Tick(this, timer), PERIOD_MICROS, PERIOD_MICROS, TimeUnit.MICROSECONDS);
    }

    /** Holds its leases weakly: an engine dropped without {@link #close} (a test's) stops its thread next tick. */
    private static final class Tick implements Runnable {
        private final WeakReference<Leases<?>> leases;
        private final ScheduledExecutorService timer;

        Tick(Leases<?> leases, ScheduledExecutorService timer) {
            this.leases = new WeakReference<>(leases);
            this.timer = timer;
        }

        @Override
        public void run() {
            Leases<?> owner = leases.get();
            if (owner == null) {
                timer.shutdown();
                return;
            }
            try {
                owner.extendNow();
            } catch (RuntimeException e) {
                Log.warn("extending lockout reservations failed: " + e);
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
