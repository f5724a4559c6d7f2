package io.bulwark.runtime.guard;

import io.bulwark.BulwarkException;
import io.bulwark.RateLimitedException;
import io.bulwark.runtime.audit.AuditCapture;
import io.bulwark.runtime.audit.RefusalSummaries;
import java.util.concurrent.CancellationException;

/**
 * {@code @Audited} around the method's other guards (architecture.md §3): the call is captured first, then the other
 * guards decide; a refusal among them is recorded as {@code denied} and rethrown, and after the body the others settle
 * before the event is completed. Exactly one event per call that got past {@link AuditCapture#begin}, but for the
 * refusals of one key by one of the method's {@code @RateLimited} policies past the first few in a minute, which are
 * counted into one event ({@link RefusalSummaries}).
 */
final class AuditGuard implements MethodGuard {

    private final AuditCapture audit;
    private final MethodGuard inner;
    private final RateLimitGuard limits;
    private final RefusalSummaries refusals;

    /**
     * @param inner    the method's other guards, or null
     * @param limits   the method's {@code @RateLimited} policies (among {@code inner}), or null
     * @param refusals where their refusals are counted, or null
     */
    AuditGuard(AuditCapture audit, MethodGuard inner, RateLimitGuard limits, RefusalSummaries refusals) {
        this.audit = audit;
        this.inner = inner;
        this.limits = limits;
        this.refusals = refusals;
    }

    @Override
    public Object enter(Object[] args) {
        AuditCapture.Pending pending = audit.begin(args);
        if (inner != null) {
            try {
                pending.inner = inner.enter(args);
                if (pending.inner instanceof ShadowAdmission shadow) {
                    audit.shadowDenied(pending, shadow.policy(), shadow.reason().tag());
                }
            } catch (BulwarkException refusal) {
                if (!counted(pending, refusal, args)) {
                    audit.denied(pending, refusal);
                }
                throw refusal;
            } catch (RuntimeException | Error e) {
                // Not a refusal but a fault inside a guard: the call does not run, and the event says it failed.
                audit.end(pending, null, e);
                throw e;
            }
        }
        return pending;
    }

    /** Whether the refusal is only counted (a flood of one key by one policy), rather than recorded on its own. */
    private boolean counted(AuditCapture.Pending pending, BulwarkException refusal, Object[] args) {
        if (limits == null || refusals == null || !(refusal instanceof RateLimitedException r)) {
            return false;
        }
        String key;
        try {
            key = limits.keyOf(r.policy(), args);
        } catch (RuntimeException e) {
            return false;
        }
        return key != null && refusals.counted(pending, r, key);
    }

    @Override
    public void exit(Object token, Object result, Throwable thrown) {
        AuditCapture.Pending pending = (AuditCapture.Pending) token;
        try {
            if (inner != null) {
                inner.exit(pending.inner, result, thrown);
            }
        } finally {
            audit.end(pending, result, thrown);
        }
    }

    @Override
    public void cancel(Object token, CancellationException why) {
        AuditCapture.Pending pending = (AuditCapture.Pending) token;
        try {
            if (inner != null) {
                inner.cancel(pending.inner, why);
            }
        } finally {
            audit.end(pending, null, why);
        }
    }

    @Override
    public boolean readsArguments() {
        return audit.readsArguments() || inner != null && inner.readsArguments();
    }

    @Override
    public boolean settles() {
        return true;
    }

    @Override
    public boolean needsResult() {
        return audit.needsResult();
    }
}
