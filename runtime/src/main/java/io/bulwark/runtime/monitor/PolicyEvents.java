package io.bulwark.runtime.monitor;

import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.monitoring.Store;

/**
 * One policy's decisions made once, for checks that are not timed (in memory): such a decision is the same immutable
 * record every time, so publishing it allocates nothing. Timed checks (Redis) make theirs with the latency.
 */
public final class PolicyEvents {

    public final String policy;
    public final Store store;
    public final RateLimitDecision allowed;
    public final RateLimitDecision limitExceeded;
    public final RateLimitDecision lockedOut;
    /** Admitted by the policy's failure policy while its store could not answer. */
    public final RateLimitDecision allowedWithoutStore;
    public final RateLimitDecision limitExceededWithoutStore;
    public final RateLimitDecision error;
    /** Admitted only because the policy is in shadow mode: by reason, {@link Reason#ordinal()}. */
    private final RateLimitDecision[] shadowDenied = new RateLimitDecision[Reason.values().length];
    public final JfrThrottle throttle = new JfrThrottle();

    public PolicyEvents(String policy, Store store) {
        this.policy = policy;
        this.store = store;
        this.allowed = new RateLimitDecision(policy, Outcome.ALLOWED, Reason.WITHIN_LIMIT, store, 0);
        this.limitExceeded = new RateLimitDecision(policy, Outcome.DENIED, Reason.LIMIT_EXCEEDED, store, 0);
        this.lockedOut = new RateLimitDecision(policy, Outcome.DENIED, Reason.LOCKED_OUT, store, 0);
        this.allowedWithoutStore = new RateLimitDecision(policy, Outcome.ALLOWED, Reason.STORE_UNAVAILABLE,
                Store.MEMORY, 0);
        this.limitExceededWithoutStore = new RateLimitDecision(policy, Outcome.DENIED, Reason.LIMIT_EXCEEDED,
                Store.MEMORY, 0);
        this.error = new RateLimitDecision(policy, Outcome.ERROR, Reason.STORE_UNAVAILABLE, store, 0);
        for (Reason reason : Reason.values()) {
            shadowDenied[reason.ordinal()] = new RateLimitDecision(policy, Outcome.SHADOW_DENIED, reason, store, 0);
        }
    }

    /** What a policy in shadow mode reports of a call it would have refused for {@code reason}. */
    public RateLimitDecision shadowDenied(Reason reason) {
        return shadowDenied[reason.ordinal()];
    }

    /** {@code decision} with the time its store took. */
    public static RateLimitDecision timed(RateLimitDecision decision, long nanos) {
        return new RateLimitDecision(decision.policy(), decision.outcome(), decision.reason(), decision.store(),
                Math.max(1, nanos));
    }
}
