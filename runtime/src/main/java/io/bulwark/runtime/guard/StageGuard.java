package io.bulwark.runtime.guard;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;

/**
 * The guards of a method returning a {@code CompletionStage} (or {@code CompletableFuture}): applied when the method
 * is called, settled when the stage it returned completes. The stage itself is returned unchanged (the same object,
 * delivering the same value or exception); a callback is only added to it.
 *
 * <p>A stage already complete when the method returns is settled at once, on the calling thread, before the caller
 * sees it. A stage completed later is settled by the completing thread, which runs the stage's callbacks newest first:
 * a caller that waits on the stage may see it complete a moment before its failure is counted. Until then the call's
 * reservation still holds its slot, so a caller who tries again at once is refused all the same, as busy rather than
 * locked out. The body throwing instead of returning a stage settles at once, as for any method.
 */
final class StageGuard implements MethodGuard {

    private final int id;
    private final MethodGuard inner;
    private final GuardRegistry registry;

    StageGuard(int id, MethodGuard inner, GuardRegistry registry) {
        this.id = id;
        this.inner = inner;
        this.registry = registry;
    }

    @Override
    public Object enter(Object[] args) {
        return inner.enter(args);
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
        if (thrown != null || !(result instanceof CompletionStage<?> stage)) {
            inner.exit(token, result, thrown);
            return;
        }
        AsyncCall call = registry.openCall(id, inner, token, stage);
        try {
            stage.whenComplete(call);
        } catch (RuntimeException e) {
            // A stage of the application's own making that will not take a callback: settle now rather than never.
            call.cancel(new CancellationException("its " + stage.getClass().getName() + " could not be followed to "
                    + "its end (" + e.getClass().getName() + ")"));
        }
    }

    @Override
    public void cancel(Object token, CancellationException why) {
        inner.cancel(token, why);
    }

    @Override
    public boolean readsArguments() {
        return inner.readsArguments();
    }

    @Override
    public boolean settles() {
        return inner.settles();
    }

    /** The stage itself, to follow. */
    @Override
    public boolean needsResult() {
        return inner.settles();
    }
}
