package io.bulwark;

import io.bulwark.internal.Dispatch;
import io.bulwark.internal.KeyFraming;

/**
 * Operations on rate-limit state, for support tools and admin endpoints: the equivalent of django-axes'
 * {@code axes_reset}.
 *
 * <pre>{@code
 * // @RateLimited(name = "login", key = "{email}", count = Count.FAILURES, lockout = "15m", ...)
 * RateLimits.reset("login", "alice@example.com");        // alice may try again at once
 * // key = "{caller.org}:{email}": give every value of the template, in its order
 * RateLimits.reset("org-login", "acme", "alice@example.com");
 * }</pre>
 *
 * <p>The same operation from a shell, for limits kept in Redis:
 * {@code java -jar bulwark-agent.jar lockout reset --policy login --key alice@example.com}.
 */
public final class RateLimits {

    private RateLimits() {
    }

    /**
     * Clears the counts, failures and lockout of {@code policy} for one key, in every instance that shares the
     * store (with Redis), or in this JVM (in memory).
     *
     * @param keyValues the values the policy's key template reads, in order (none for a policy without a key)
     * @return whether there was anything to clear
     * @throws GuardUnavailableException when the store cannot be reached (nothing was cleared)
     * @throws IllegalStateException     when the Bulwark agent is not running in this JVM
     */
    public static boolean reset(String policy, String... keyValues) {
        return Dispatch.reset(policy, KeyFraming.frame(keyValues));
    }
}
