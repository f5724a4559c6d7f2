package io.bulwark.runtime.ratelimit;

import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;

/**
 * A rate-limit engine: admits a call against all of a method's limits at once, or refuses it.
 *
 * <p>Implementations: {@link InMemoryRateLimiter} (the embedded default) and
 * {@link io.bulwark.runtime.ratelimit.redis.RedisRateLimiter} (shared by every instance).
 */
public interface RateLimiter {

    /**
     * How long an attempt's reservation ({@code count = FAILURES}) lasts unless extended; {@link Leases} extends it
     * every third of that while the call runs, so it lives as long as its call. One nobody extends any more (its JVM
     * died, its call was abandoned) expires and counts as a failure; a settle after that counts nothing more.
     */
    long RESERVATION_TTL_MICROS = 60_000_000L;

    /** A handle on one policy's counters; made once per policy name. */
    interface Limit {
        RateLimitPolicy policy();

        /**
         * Calls this policy's engine has admitted, counted by the engine itself (exact once no call runs; never goes
         * backwards), or -1 when the engine does not count them and the guard must (Redis, where a call takes a round
         * trip anyway). For monitoring, read at scrape time.
         */
        default long admitted() {
            return -1;
        }
    }

    Limit limit(RateLimitPolicy policy);

    /**
     * Gives {@code limit} (made by this engine for a policy of the same name, key and count) new numbers, algorithm
     * or mode, as the configuration changed while the agent runs; checks made from now on use them. Its state is kept
     * when only the numbers change (a key locked out stays locked), and starts afresh with another algorithm or mode
     * ({@link RateLimitPolicy#keepsStateApartFrom}).
     */
    void reconfigure(Limit limit, RateLimitPolicy policy);

    /**
     * Admits one call against every limit, or against none.
     *
     * @param keys the rendered key of each limit, in the same order
     * @return a token to hand to {@link #settle} after the call, or {@code null} when nothing needs settling
     * @throws io.bulwark.RateLimitedException       when a limit refuses (the one that frees up last)
     * @throws io.bulwark.GuardUnavailableException  when the engine cannot decide and the policy fails closed
     */
    Object acquire(Limit[] limits, String[] keys);

    /** {@link #acquire(Limit[], String[])} for a method with one limit, the common case. */
    default Object acquire(Limit limit, String key) {
        return acquire(new Limit[] {limit}, new String[] {key});
    }

    /** The same, with the key still to be read from {@code args}: an engine may read it in the form it keeps. */
    default Object acquire(Limit limit, io.bulwark.runtime.key.KeyExtractor key, Object[] args) {
        return acquire(limit, key.extract(args));
    }

    /**
     * The same, given only the argument the key reads ({@link io.bulwark.runtime.key.KeyExtractor#argument}): the
     * woven call of such a method passes it alone, with no array.
     */
    default Object acquireArgument(Limit limit, io.bulwark.runtime.key.KeyExtractor key, Object argument) {
        return acquire(limit, key.extractArgument(argument));
    }

    /** Settles what {@link #acquire} reserved: {@code thrown} is what the call threw, or {@code null}. */
    void settle(Object token, Throwable thrown);

    /**
     * Gives back what {@link #acquire} reserved without an outcome: the call was cancelled (or abandoned) before it
     * ended, so it counts neither as a failure nor as a success.
     */
    void release(Object token);

    /**
     * Clears every count, failure and lockout of policy {@code policy} for {@code renderedKey} (as
     * {@link io.bulwark.runtime.key.KeyExtractor} renders it).
     *
     * @return whether there was anything to clear
     */
    boolean reset(String policy, String renderedKey);

    /** {@code in memory}: for the startup line. */
    String describe();

    /**
     * Opens what the engine connects to ahead of the first check, on the calling (background) thread; trouble is
     * only logged, the checks then deal with it. A cold JVM's first TLS handshake can take longer than a check may
     * wait, so a service that starts under load would otherwise meet its first checks with a store "unavailable".
     */
    default void warmUp() {
    }

    /** Where this engine counts: the {@code store} of its decisions for monitoring. Checks off the JVM are timed. */
    default Store store() {
        return Store.MEMORY;
    }

    /** The store's state now, for health checks and gauges (no I/O). */
    default BulwarkStatus.StoreStatus storeStatus() {
        return new BulwarkStatus.StoreStatus(store(), true, "up");
    }

    /**
     * Asks a store found unavailable whether it is back, if its back-off has passed; on the calling thread, waiting
     * at most the store's timeout. For health checks: a service taken out of rotation while its store was down makes
     * no calls that would notice the store's return.
     */
    default void probe() {
    }
}
