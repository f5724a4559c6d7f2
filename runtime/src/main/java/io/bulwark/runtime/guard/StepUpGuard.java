package io.bulwark.runtime.guard;

import io.bulwark.Bulwark;
import io.bulwark.runtime.twofactor.stepup.TwoFactorEngine;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * {@code @Requires2FA} in front of the method's rate limits (DESIGN §3): the step-up decides first, so a caller
 * without a fresh second factor spends nothing of a quota; then the other guards run as they would alone.
 */
final class StepUpGuard implements MethodGuard {

    private final TwoFactorEngine engine;
    private final Duration maxAge;
    private final MethodGuard inner;

    /** @param inner the method's rate limits, or null */
    StepUpGuard(TwoFactorEngine engine, Duration maxAge, MethodGuard inner) {
        this.engine = engine;
        this.maxAge = maxAge;
        this.inner = inner;
    }

    @Override
    public Object enter(Object[] args) {
        engine.stepUp(Bulwark.caller(), maxAge);
        return inner == null ? null : inner.enter(args);
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
        if (inner != null) {
            inner.exit(token, result, thrown);
        }
    }

    @Override
    public void cancel(Object token, CancellationException why) {
        if (inner != null) {
            inner.cancel(token, why);
        }
    }

    @Override
    public boolean readsArguments() {
        return inner != null && inner.readsArguments();
    }

    @Override
    public boolean settles() {
        return inner != null && inner.settles();
    }

    @Override
    public boolean needsResult() {
        return inner != null && inner.needsResult();
    }
}
