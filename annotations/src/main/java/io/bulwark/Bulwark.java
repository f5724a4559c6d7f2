package io.bulwark;

import io.bulwark.internal.Dispatch;
import io.bulwark.internal.Listeners;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitCounts;
import io.bulwark.monitoring.Subscription;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Binds the {@link Caller} that guards see on the current thread.
 *
 * <pre>{@code
 * try (Bulwark.Scope scope = Bulwark.bind(Caller.of("u-42").ip("203.0.113.9"))) {
 *     accounts.transfer(request);          // guards read {caller.user}, {caller.ip}, ...
 * }                                        // the previous caller (or none) is back
 * }</pre>
 *
 * <p>Scopes nest: closing one restores whatever was bound when it opened. The binding is per thread and is
 * not inherited by threads the code starts; hand work to an executor with {@link #wrap(Runnable)},
 * {@link #wrap(Callable)} or {@link #wrap(Executor)} so that it runs as the same caller.
 */
public final class Bulwark {

    // Deliberately not an InheritableThreadLocal: pooled threads would keep whichever caller happened to
    // create them. Hand-off is explicit through wrap(...).
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    private Bulwark() {
    }

    /** An open binding; {@link #close()} restores the previous caller. Closing twice does nothing. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Binds {@code caller} to this thread until the returned scope is closed. */
    public static Scope bind(Caller caller) {
        Objects.requireNonNull(caller, "caller");
        Caller previous = CURRENT.get();
        CURRENT.set(caller);
        return new Binding(previous);
    }

    /** The caller bound to this thread, or {@link Caller#anonymous()}; never {@code null}. */
    public static Caller caller() {
        Caller caller = CURRENT.get();
        return caller == null ? Caller.anonymous() : caller;
    }

    /** {@code task}, run later on any thread, as the caller bound now. */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        Caller captured = caller();
        return () -> {
            try (Scope ignored = bind(captured)) {
                task.run();
            }
        };
    }

    /** {@code task}, run later on any thread, as the caller bound now. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        Caller captured = caller();
        return () -> {
            try (Scope ignored = bind(captured)) {
                return task.call();
            }
        };
    }

    /** An executor that runs each task as the caller bound when the task was submitted. */
    public static Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /**
     * Whether the Bulwark agent is running in this JVM. Without it the annotations are inert: an application
     * may check this at startup and refuse to serve.
     */
    public static boolean agentActive() {
        return Dispatch.installed();
    }

    /**
     * Calls {@code listener} with every decision Bulwark makes from now on, until the returned subscription is
     * closed: rate-limit and step-up decisions, audit events, audit shipping, stores going away and coming back.
     *
     * <pre>{@code
     * Subscription metrics = Bulwark.listen(new BulwarkListener() {
     *     @Override
     *     public void onRateLimit(RateLimitDecision d) {
     *         if (!d.admitted()) {
     *             System.out.println(d.policy() + " refused a call: " + d.reason().tag());
     *         }
     *     }
     * });
     * }</pre>
     *
     * <p>Listeners are called on the deciding thread and must return quickly (see {@link BulwarkListener}). A listener
     * may be registered before or without the agent; it then hears nothing until there is something to hear.
     */
    public static Subscription listen(BulwarkListener listener) {
        return Listeners.add(listener);
    }

    /**
     * Bulwark's state now: whether the agent runs, whether Redis, the audit journal and PostgreSQL answer, and how many
     * audit events wait. Cheap; a Redis found unavailable is tried again here (at most once per back-off, waiting at
     * most {@code bulwark.redis.timeout}), so that a health check sees it come back even while no call is made.
     */
    public static BulwarkStatus status() {
        return Dispatch.status();
    }

    /**
     * Calls admitted so far by each {@code @RateLimited} policy registered, sorted by policy name; empty without the
     * agent. Counted by the engines, not through listeners, so reading costs the readers only (a walk of the policy's
     * keys in memory): for a metrics scrape, a JFR periodic event, a status page. See {@link RateLimitCounts} for
     * how exact a read taken while calls run is.
     */
    public static List<RateLimitCounts> rateLimitCounts() {
        return Dispatch.rateLimitCounts();
    }

    /** {@link #rateLimitCounts()} of one policy, or {@code null} when no guarded method has registered it. */
    public static RateLimitCounts rateLimitCounts(String policy) {
        Objects.requireNonNull(policy, "policy");
        return Dispatch.rateLimitCounts(policy);
    }

    private static final class Binding implements Scope {
        private final Caller previous;
        private boolean closed;

        Binding(Caller previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
