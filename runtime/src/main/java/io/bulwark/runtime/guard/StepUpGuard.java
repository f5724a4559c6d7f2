package io.bulwark.runtime.guard;

import io.bulwark.Bulwark;
import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.monitoring.StepUpDecision;
import io.bulwark.monitoring.StepUpDecision.Outcome;
import io.bulwark.runtime.monitor.Monitor;
import io.bulwark.runtime.twofactor.stepup.TwoFactorEngine;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * {@code @Requires2FA} in front of the method's rate limits (architecture.md §3): the step-up decides first, so a
 * caller without a fresh second factor spends nothing of a quota; then the other guards run as they would alone.
 */
final class StepUpGuard implements MethodGuard {

    private static final StepUpDecision[] DECISIONS = new StepUpDecision[Outcome.values().length];

    static {
        for (Outcome outcome : Outcome.values()) {
            DECISIONS[outcome.ordinal()] = new StepUpDecision(outcome);
        }
    }

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
        stepUp();
        return inner == null ? null : inner.enter(args);
    }

    @Override
    public Object enterArgument(Object argument) {
        if (argument() < 0) {
            return MethodGuard.super.enterArgument(argument);
        }
        stepUp();
        return inner.enterArgument(argument);
    }

    @Override
    public int argument() {
        return inner == null ? -1 : inner.argument();
    }

    private void stepUp() {
        if (Monitor.stepUpsWatched()) {
            stepUpWatched();
        } else {
            engine.stepUp(Bulwark.caller(), maxAge);
        }
    }

    private void stepUpWatched() {
        boolean verified;
        try {
            verified = engine.stepUp(Bulwark.caller(), maxAge);
        } catch (TwoFactorRequiredException refused) {
            Monitor.stepUp(DECISIONS[outcome(refused.reason()).ordinal()]);
            throw refused;
        } catch (GuardUnavailableException unavailable) {
            Monitor.stepUp(DECISIONS[Outcome.ERROR.ordinal()]);
            throw unavailable;
        }
        Monitor.stepUp(DECISIONS[(verified ? Outcome.VERIFIED : Outcome.FRESH).ordinal()]);
    }

    private static Outcome outcome(TwoFactorRequiredException.Reason reason) {
        return switch (reason) {
            case MISSING -> Outcome.MISSING;
            case EXPIRED -> Outcome.EXPIRED;
            case INVALID -> Outcome.INVALID;
            case THROTTLED -> Outcome.THROTTLED;
            case LOCKED -> Outcome.LOCKED;
            case NOT_ENROLLED -> Outcome.NOT_ENROLLED;
        };
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
