package io.bulwark.micrometer;

import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.monitoring.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** One policy's meters; registering twice in Micrometer returns the first, so a race here only costs a lookup. */
final class PolicyMeters {

    static final int MAX_POLICIES = 1_000;
    static final String OTHER = "_other";
    private static final int REASONS = Reason.values().length;

    private final MeterRegistry registry;
    /** The name, the very string the runtime publishes (compared by identity first, see {@link Meters}). */
    final String policy;
    private final AtomicReferenceArray<Counter> decisions = new AtomicReferenceArray<>(
            Outcome.values().length * REASONS);
    private final AtomicReferenceArray<Timer> checks = new AtomicReferenceArray<>(Store.values().length);

    PolicyMeters(MeterRegistry registry, String policy) {
        this.registry = registry;
        this.policy = policy;
    }

    Counter decisions(Outcome outcome, Reason reason) {
        int i = outcome.ordinal() * REASONS + reason.ordinal();
        Counter c = decisions.get(i);
        if (c == null) {
            c = Counter.builder("bulwark.ratelimit.decisions")
                    .tag("policy", policy).tag("outcome", outcome.tag()).tag("reason", reason.tag())
                    .description("@RateLimited decisions, by policy, outcome and reason")
                    .register(registry);
            decisions.set(i, c);
        }
        return c;
    }

    Timer check(Store store) {
        int i = store.ordinal();
        Timer t = checks.get(i);
        if (t == null) {
            t = Timer.builder("bulwark.ratelimit.check").tag("policy", policy).tag("store", store.tag())
                    .description("how long the rate-limit store took to answer a check")
                    .register(registry);
            checks.set(i, t);
        }
        return t;
    }
}
