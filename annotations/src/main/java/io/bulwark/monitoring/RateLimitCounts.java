package io.bulwark.monitoring;

import java.util.Objects;

/**
 * How many calls one {@code @RateLimited} policy has admitted since the agent started, counted by Bulwark itself:
 * {@link io.bulwark.Bulwark#rateLimitCounts()}. Admitted calls are counted rather than published one by one (see
 * {@link BulwarkListener#wantsEveryAdmission()}); refusals are published, not counted here.
 *
 * <pre>{@code
 * for (RateLimitCounts c : Bulwark.rateLimitCounts()) {
 *     System.out.println(c.policy() + ": " + c.allowed() + " admitted");
 * }
 * }</pre>
 *
 * <p>Exactness: a count read while no call of the policy is being decided is exact. While calls run, a read may leave
 * out calls admitted during the read itself (the in-memory engine charges calls of one millisecond together, and a
 * group charged while the read passes is seen at the next read); it never counts a call twice and never goes
 * backwards, so it is a counter to Prometheus, Micrometer and JFR.
 *
 * @param policy              the policy's name, as declared in the annotation (never a key value)
 * @param allowed             calls admitted within the limit ({@link RateLimitDecision.Reason#WITHIN_LIMIT})
 * @param allowedWithoutStore calls admitted without a decision of the store, by the policy's {@code onStoreFailure}
 *                            while Redis could not answer ({@link RateLimitDecision.Reason#STORE_UNAVAILABLE})
 */
public record RateLimitCounts(String policy, long allowed, long allowedWithoutStore) {

    public RateLimitCounts {
        Objects.requireNonNull(policy, "policy");
    }
}
