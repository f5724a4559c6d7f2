package io.bulwark.runtime.monitor;

import io.bulwark.internal.Listeners;
import io.bulwark.monitoring.AuditRecorded;
import io.bulwark.monitoring.AuditShipped;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.StepUpDecision;
import io.bulwark.monitoring.Store;
import io.bulwark.monitoring.StoreStateChange;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.jfr.JfrEvents;
import io.bulwark.runtime.monitor.jfr.JfrRecorder;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes what the runtime decides: to the application's {@link BulwarkListener}s (registered through the API in the
 * bootstrap loader, so this isolated loader and the application's loaders see one list) and to JFR.
 *
 * <p>The guards read the listeners and ask {@link #rateLimitsRecorded()} first and take their plain path when nobody
 * listens: a volatile load of the listener array and one of JFR's "started" flag. Event classes are loaded only once
 * JFR has started ({@link JfrRecorder}).
 * Everything here is called outside any lock of the runtime's.
 */
public final class Monitor {

    /**
     * Whether the JDK has JFR: a runtime image linked without {@code jdk.jfr} has none, and the guards must not fail on
     * a missing class. Checked once; {@code static final}, so the JIT drops the JFR branch when false.
     */
    private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr").isPresent();

    private static volatile boolean listenerFailureLogged;
    /** Set once Bulwark's event classes are initialized (by {@link #jfrLoader}), after JFR has started. */
    private static volatile boolean jfrLoaded;
    private static final AtomicBoolean JFR_LOADING = new AtomicBoolean();
    /** How long the call that starts loading the event classes waits: past it, it goes on without its event. */
    private static final long JFR_LOAD_WAIT_MILLIS = 5_000;

    private Monitor() {
    }

    /**
     * Whether JFR has started and Bulwark's event classes are initialized. Their initialization sets JFR up (some
     * 100 classes, 70-80 ms here). It is done once, on a platform thread of its own, which the call that found JFR
     * started waits for (a join: a virtual thread unmounts); calls meanwhile go on without JFR events. Were the
     * classes initialized by the calling thread, every concurrent call would wait for that class initialization,
     * and on a virtual thread such a wait pins its carrier (VirtualThreadsIT saw 70-85 ms recorded as
     * jdk.VirtualThreadPinned), as would the initializing virtual thread if JFR's set-up parked in it.
     */
    private static boolean jfrReady() {
        if (jfrLoaded) {
            return true;
        }
        if (!JFR || !JfrRecorder.started() || !JFR_LOADING.compareAndSet(false, true)) {
            return false;
        }
        Thread loader = new Thread(jfrLoader(), "bulwark-jfr-events");
        loader.setDaemon(true);
        loader.start();
        try {
            loader.join(JFR_LOAD_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return jfrLoaded;
    }

    private static Runnable jfrLoader() {
        return new Runnable() {
            @Override
            public void run() {
                try {
                    JfrEvents.rateLimitEnabled();
                    jfrLoaded = true;
                } catch (Throwable t) {
                    Log.warn("JFR events are not recorded: Bulwark's event classes could not be loaded (" + t + ")");
                }
            }
        };
    }

    /** Whether a JFR recording has {@code bulwark.RateLimitDecision} enabled. */
    public static boolean rateLimitsRecorded() {
        return jfrReady() && JfrEvents.rateLimitEnabled();
    }

    /**
     * Sets Bulwark's JFR events up once a recording has started, so that {@code bulwark.RateLimitCounts} (a periodic
     * event, registered with the event classes) is recorded even while no call is refused: admitted calls no longer
     * ask JFR anything. Called about once a second by a thread of Bulwark's that runs while calls come (the in-memory
     * engine's ticker); the guards' refusals and Redis calls ask too.
     */
    public static void noticeJfr() {
        jfrReady();
    }

    /** Whether anyone hears step-up decisions. */
    public static boolean stepUpsWatched() {
        return Listeners.all().length != 0 || jfrReady() && JfrEvents.stepUpEnabled();
    }

    /**
     * Publishes an admitted call's decision to the listeners; JFR records admitted calls as counts
     * ({@code bulwark.RateLimitCounts}), not one by one.
     */
    public static void admitted(BulwarkListener[] listeners, RateLimitDecision decision) {
        for (BulwarkListener listener : listeners) {
            try {
                listener.onRateLimit(decision);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
    }

    /**
     * Publishes a refusal, shadow refusal or error: to the listeners, and to JFR through the policy's throttle.
     *
     * @param listeners what {@link Listeners#all()} gave the guard for this call (read once a call)
     * @param recorded  what {@link #rateLimitsRecorded()} gave it
     */
    public static void rateLimit(BulwarkListener[] listeners, boolean recorded, RateLimitDecision decision,
            JfrThrottle throttle) {
        for (BulwarkListener listener : listeners) {
            try {
                listener.onRateLimit(decision);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
        if (recorded) {
            long suppressed = throttle.admit(decision.admitted());
            if (suppressed >= 0) {
                JfrEvents.rateLimit(decision, suppressed);
            }
        }
    }

    public static void stepUp(StepUpDecision decision) {
        for (BulwarkListener listener : Listeners.all()) {
            try {
                listener.onStepUp(decision);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
        if (jfrReady()) {
            JfrEvents.stepUp(decision);
        }
    }

    /** An audited call's event was handed to the journal. Allocates only when a listener is registered. */
    public static void auditRecorded(String action, AuditRecorded.Status status) {
        BulwarkListener[] listeners = Listeners.all();
        if (listeners.length == 0) {
            return;
        }
        AuditRecorded event = new AuditRecorded(action, status);
        for (BulwarkListener listener : listeners) {
            try {
                listener.onAuditRecorded(event);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
    }

    public static void auditShipped(int events, long nanos, long backlog) {
        AuditShipped batch = new AuditShipped(events, nanos, backlog);
        for (BulwarkListener listener : Listeners.all()) {
            try {
                listener.onAuditShipped(batch);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
        if (jfrReady()) {
            JfrEvents.auditShipped(batch);
        }
    }

    /** A store went away ({@code reason} says why) or came back ({@code reason} null). */
    public static void storeState(Store store, boolean available, String reason) {
        StoreStateChange change = new StoreStateChange(store, available, available ? null : reason);
        for (BulwarkListener listener : Listeners.all()) {
            try {
                listener.onStoreStateChange(change);
            } catch (Throwable t) {
                failed(listener, t);
            }
        }
        if (jfrReady()) {
            JfrEvents.storeState(change);
        }
    }

    /**
     * Swallows everything, errors included: the decision is taken and may hold a reservation that only the guard's exit
     * settles, so nothing a listener throws may come between the two.
     */
    private static void failed(BulwarkListener listener, Throwable t) {
        if (!listenerFailureLogged) {
            listenerFailureLogged = true;
            // The class, not the message: a listener's message could hold anything.
            Log.error("a Bulwark listener (" + listener.getClass().getName() + ") threw " + t.getClass().getName()
                    + "; the decision stands. Further failures of listeners are not logged.");
        }
    }
}
