package io.bulwark.runtime.guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.BiConsumer;

/**
 * One call of an asynchronous method that its guards admitted, settled exactly once: when its result completes,
 * when it is cancelled, or, should the result become unreachable first, as abandoned.
 *
 * <p>Why abandonment is watched: a {@code CompletableFuture} nobody completes, or a subscription nobody signals or
 * cancels, would otherwise never settle. Its lockout reservation would expire once no longer extended (and count as a
 * failure, see {@link io.bulwark.runtime.ratelimit.Leases}), but its audit event would never be
 * written and its place in the audit queue never given back. Once the result is garbage, nothing can complete it any
 * more, so the call is settled then: the reservation is given back and the event records a {@code failure}
 * ({@code CancellationException: abandoned ...}). A result that stays reachable and is never completed holds its
 * event (and one place of {@code bulwark.audit.queue}) as long as the application holds it.
 */
final class AsyncCall implements BiConsumer<Object, Throwable>, Runnable {

    private static final VarHandle STATE;
    private static final int OPEN = 0;
    private static final int SETTLED = 1;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AsyncCall.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int guardId;
    private final MethodGuard guard;
    private final Object token;
    private final GuardRegistry registry;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private volatile boolean bodyRan;
    private Cleaner.Cleanable watch;

    private AsyncCall(int guardId, MethodGuard guard, Object token, GuardRegistry registry) {
        this.guardId = guardId;
        this.guard = guard;
        this.token = token;
        this.registry = registry;
    }

    /**
     * @param owner the result whose unreachability means the call can no longer end, or null not to watch (the guard
     *              settles nothing)
     */
    static AsyncCall open(int guardId, MethodGuard guard, Object token, GuardRegistry registry, Cleaner cleaner,
            Object owner) {
        AsyncCall call = new AsyncCall(guardId, guard, token, registry);
        if (owner != null && guard.settles()) {
            // The action is the call itself, which holds no reference to the owner (else it would never be garbage).
            call.watch = cleaner.register(owner, call);
        }
        return call;
    }

    /** Marks the body as run: it runs once per admitted call. */
    boolean takeBody() {
        if (bodyRan) {
            return false;
        }
        synchronized (this) {
            if (bodyRan) {
                return false;
            }
            bodyRan = true;
            return true;
        }
    }

    /** {@code CompletionStage.whenComplete}: the stage's value, or what it failed with. */
    @Override
    public void accept(Object value, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof CancellationException cancelled) {
            cancel(cancelled);
        } else {
            settle(value, cause);
        }
    }

    void settle(Object result, Throwable thrown) {
        if (claim()) {
            try {
                guard.exit(token, result, thrown);
            } catch (Throwable t) {
                registry.logExitFailure(t);
            }
        }
    }

    void cancel(CancellationException why) {
        if (claim()) {
            try {
                guard.cancel(token, why);
            } catch (Throwable t) {
                registry.logExitFailure(t);
            }
        }
    }

    /** The Cleaner's action: the result became unreachable before the call was settled. */
    @Override
    public void run() {
        if (STATE.compareAndSet(this, OPEN, SETTLED)) {
            try {
                guard.cancel(token, new CancellationException("abandoned: its result became unreachable before it "
                        + "completed"));
            } catch (Throwable t) {
                registry.logExitFailure(t);
            }
        }
    }

    private boolean claim() {
        if (!STATE.compareAndSet(this, OPEN, SETTLED)) {
            return false;
        }
        Cleaner.Cleanable w = watch;
        if (w != null) {
            // Unregisters; its action (run) finds the call settled and does nothing.
            w.clean();
        }
        return true;
    }

    /**
     * What a stage failed with, without the wrappers {@code CompletableFuture} adds: a dependent stage fails with a
     * {@code CompletionException} around the cause, and {@code failureOn} names the cause.
     */
    static Throwable unwrap(Throwable error) {
        Throwable t = error;
        for (int i = 0; i < 16 && (t instanceof CompletionException || t instanceof ExecutionException)
                && t.getCause() != null; i++) {
            t = t.getCause();
        }
        return t;
    }
}
