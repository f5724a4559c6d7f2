package io.bulwark.runtime.guard;

import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.runtime.log.Log;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The log line of a policy in shadow mode: the first call it would have refused is logged at once, then at most one
 * line every {@link #PERIOD_NANOS} with how many were admitted meanwhile, so that a flood the policy would have
 * stopped cannot flood the log instead. Names the policy and the reason, never a key (a user's email, an address).
 */
final class ShadowLog {

    static final long PERIOD_NANOS = 10_000_000_000L;

    private final String policy;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - PERIOD_NANOS);

    ShadowLog(String policy) {
        this.policy = policy;
    }

    void admitted(RateLimitDecision.Reason reason) {
        admitted.incrementAndGet();
        long last = lastLogged.get();
        long now = System.nanoTime();
        if (now - last >= PERIOD_NANOS && lastLogged.compareAndSet(last, now)) {
            long n = admitted.getAndSet(0);
            Log.warn("policy '" + policy + "' is in shadow mode: it would have refused " + n
                    + (n == 1 ? " call" : " calls") + " (latest: " + reason.tag() + ") since the last such line, and "
                    + "admitted " + (n == 1 ? "it" : "them"));
        }
    }
}
