package io.bulwark.micrometer;

import io.bulwark.Bulwark;
import io.bulwark.monitoring.RateLimitCounts;
import java.util.Map;

/**
 * One policy's admitted calls for {@code bulwark.ratelimit.decisions} ({@code outcome=allowed}), read from Bulwark's
 * own counts when the registry is scraped ({@link Bulwark#rateLimitCounts(String)}): admitted calls are not handed to
 * this listener one by one (see {@link Meters#wantsEveryAdmission()}). The count is the agent's since it started; once
 * the binding is closed, the meter keeps the value it had then.
 */
final class AdmittedCount {

    private final String policy;
    private final boolean withoutStore;
    /** For {@link PolicyMeters#OTHER}: the policies that have meters of their own; every other one is summed. */
    private final Map<String, PolicyMeters> named;
    private volatile double frozen = -1;

    AdmittedCount(String policy, boolean withoutStore, Map<String, PolicyMeters> named) {
        this.policy = policy;
        this.withoutStore = withoutStore;
        this.named = named;
    }

    double read() {
        double f = frozen;
        if (f >= 0) {
            return f;
        }
        if (!policy.equals(PolicyMeters.OTHER)) {
            RateLimitCounts c = Bulwark.rateLimitCounts(policy);
            return c == null ? 0 : of(c);
        }
        long sum = 0;
        for (RateLimitCounts c : Bulwark.rateLimitCounts()) {
            if (!named.containsKey(c.policy())) {
                sum += of(c);
            }
        }
        return sum;
    }

    private long of(RateLimitCounts c) {
        return withoutStore ? c.allowedWithoutStore() : c.allowed();
    }

    /** Keeps the value now: the binding was closed. */
    void freeze() {
        frozen = read();
    }
}
