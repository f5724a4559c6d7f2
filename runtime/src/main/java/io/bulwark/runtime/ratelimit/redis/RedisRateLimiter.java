package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.StoreFailure;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rate limits shared by every instance of a service, in Redis. Per check: at most one round trip (one
 * {@code EVALSHA} covering all of the method's limits, time from Redis's own clock), none at all when the
 * key was refused moments ago ({@link DenyCache}), and shared with concurrent checks under load
 * ({@link Batcher}). When Redis cannot answer, each policy follows its {@code onStoreFailure}; lockouts and
 * failure counts always refuse ({@link StoreHealth} stops trying until a probe succeeds).
 */
public final class RedisRateLimiter implements RateLimiter, AutoCloseable {

    private final RedisStore store;
    private final InMemoryRateLimiter local;
    private final MicroClock clock;
    private final boolean clockToRedis;
    private final Batcher batcher;
    private final StoreHealth health;
    private final DenyCache denials = new DenyCache();

    /**
     * Script runs in flight at most. Redis runs scripts one at a time, so more would not decide faster; fewer make
     * larger batches, and Redis's cost is per run far more than per check. Measured at 64 threads on 2 cores
     * (checks/s, hot key / 10,000 keys): 1 run 58k/47k, 2 106k/76k, 4 99k/94k, 8 106k/75k, 16 59k/64k.
     */
    static final int SENDERS = 4;

    /** Production: Redis's clock decides; {@code local} takes over quotas that say LOCAL while Redis is away. */
    public RedisRateLimiter(RedisSettings settings, InMemoryRateLimiter local) {
        this(settings, local, MicroClock.monotonic(), false);
    }

    /** For tests: the script computes with {@code clock} instead of Redis's {@code TIME}. */
    public static RedisRateLimiter withClock(RedisSettings settings, InMemoryRateLimiter local, MicroClock clock) {
        return new RedisRateLimiter(settings, local, clock, true);
    }

    private RedisRateLimiter(RedisSettings settings, InMemoryRateLimiter local, MicroClock clock,
            boolean clockToRedis) {
        this.store = new RedisStore(settings);
        this.local = local;
        this.clock = clock;
        this.clockToRedis = clockToRedis;
        // A caller may wait for a batch already on the wire, then for its own: twice the timeout at most.
        this.batcher = new Batcher(store, clockToRedis ? () -> Long.toString(clock.micros()) : () -> "",
                Math.min(settings.poolSize(), SENDERS), 2 * settings.timeout().toNanos());
        this.health = new StoreHealth(settings.display());
    }

    @Override
    public Limit limit(RateLimitPolicy policy) {
        return new RedisLimit(policy, local.limit(policy));
    }

    @Override
    public void reconfigure(Limit limit, RateLimitPolicy policy) {
        RedisLimit redis = (RedisLimit) limit;
        local.reconfigure(redis.local, policy);
        redis.state = new RedisLimit.State(policy);
        // Refusals remembered under the old numbers would outlive them by up to a second: a raised limit applies now.
        denials.clear();
    }

    @Override
    public String describe() {
        return "in Redis at " + store.settings().display() + " (shared by every instance)";
    }

    @Override
    public Object acquire(Limit[] limits, String[] keys) {
        int n = limits.length;
        RedisLimit[] redisLimits = new RedisLimit[n];
        // Each policy as it is now, read once for the whole check (the configuration may change it meanwhile).
        RedisLimit.State[] states = new RedisLimit.State[n];
        List<String> redisKeys = new ArrayList<>(n);
        long now = clock.micros();
        DenyCache.Denial refused = null;
        for (int i = 0; i < n; i++) {
            redisLimits[i] = (RedisLimit) limits[i];
            states[i] = redisLimits[i].state;
            String key = RedisKeys.key(states[i].policy, keys[i]);
            redisKeys.add(key);
            DenyCache.Denial denial = denials.find(key, now);
            if (denial != null && (refused == null || denial.retryUntil() > refused.retryUntil())) {
                refused = denial;
            }
        }
        if (refused != null) {
            throw refused.limit().refusal(refused.retryUntil() - now, refused.resetUntil() - now, refused.locked());
        }
        if (!health.permits()) {
            return fallback(redisLimits, states, keys);
        }
        List<String> body = new ArrayList<>(2 + 6 * n);
        body.add("a");
        body.add(Integer.toString(n));
        for (RedisLimit.State state : states) {
            body.addAll(Arrays.asList(state.acquireArgs));
        }
        Reply reply;
        try {
            reply = Reply.of(batcher.call(new Check(redisKeys, body)), n);
        } catch (StoreException e) {
            health.failed(e.getMessage());
            return fallback(redisLimits, states, keys);
        }
        health.succeeded();
        if (!reply.admitted()) {
            RedisLimit limit = redisLimits[reply.index()];
            if (reply.cacheable()) {
                denials.remember(redisKeys.get(reply.index()), new DenyCache.Denial(limit, 0, now + reply.waitMicros(),
                        now + reply.resetMicros(), reply.locked()), now);
            }
            throw states[reply.index()].refusal(reply.waitMicros(), reply.resetMicros(), reply.locked());
        }
        return permit(redisLimits, redisKeys, reply);
    }

    private static RedisPermit permit(RedisLimit[] limits, List<String> keys, Reply reply) {
        int failures = 0;
        for (RedisLimit limit : limits) {
            if (limit.countsFailures()) {
                failures++;
            }
        }
        if (failures == 0) {
            return null;
        }
        RedisLimit[] settling = new RedisLimit[failures];
        List<String> settlingKeys = new ArrayList<>(failures);
        long[] ids = new long[failures];
        int j = 0;
        for (int i = 0; i < limits.length; i++) {
            if (limits[i].countsFailures()) {
                settling[j] = limits[i];
                settlingKeys.add(keys.get(i));
                ids[j++] = reply.reservation(i);
            }
        }
        return new RedisPermit(settling, settlingKeys, ids);
    }

    /** Redis cannot answer: each policy's failure policy decides, all-or-nothing as ever. */
    private Object fallback(RedisLimit[] limits, RedisLimit.State[] states, String[] keys) {
        List<Limit> locals = new ArrayList<>();
        List<String> localKeys = new ArrayList<>();
        for (int i = 0; i < limits.length; i++) {
            RateLimitPolicy p = states[i].policy;
            if (p.count() == Count.FAILURES || p.onStoreFailure() == StoreFailure.CLOSED) {
                throw new GuardUnavailableException(p.name(), "the rate-limit store is unavailable");
            }
            if (p.onStoreFailure() == StoreFailure.LOCAL) {
                locals.add(limits[i].local);
                localKeys.add(keys[i]);
            }
        }
        return locals.isEmpty() ? null
                : local.acquire(locals.toArray(Limit[]::new), localKeys.toArray(String[]::new));
    }

    @Override
    public void settle(Object token, Throwable thrown) {
        settle(token, thrown, false);
    }

    @Override
    public void release(Object token) {
        settle(token, null, true);
    }

    private void settle(Object token, Throwable thrown, boolean cancelled) {
        if (!(token instanceof RedisPermit permit)) {
            if (cancelled) {
                local.release(token);
            } else {
                local.settle(token, thrown);
            }
            return;
        }
        int n = permit.limits().length;
        List<String> body = new ArrayList<>(2 + 6 * n);
        body.add("s");
        body.add(Integer.toString(n));
        for (int i = 0; i < n; i++) {
            body.addAll(Arrays.asList(permit.limits()[i].settleArgs(permit.ids()[i], thrown, cancelled)));
        }
        try {
            Reply.settled(batcher.call(new Check(permit.keys(), body)));
            health.succeeded();
        } catch (StoreException e) {
            // The reservation expires by itself; meanwhile lockouts refuse, so nothing slips through.
            health.failed(e.getMessage());
            Log.debug("settling a rate-limit reservation failed: " + e.getMessage());
        }
    }

    @Override
    public boolean reset(String policy, String renderedKey) {
        List<String> keys = RedisKeys.allKinds(policy, renderedKey);
        keys.forEach(denials::forget);
        boolean found = local.reset(policy, renderedKey);
        try {
            return store.delete(keys) > 0 || found;
        } catch (StoreException e) {
            throw new GuardUnavailableException(policy, "the rate-limit store is unavailable: nothing was reset");
        }
    }

    @Override
    public void warmUp() {
        try {
            store.warmUp();
            Log.debug("connected to the rate-limit store " + store.settings().display());
        } catch (StoreException e) {
            Log.debug("could not connect to the rate-limit store ahead of the first check: " + e.getMessage());
        }
    }

    @Override
    public Store store() {
        return Store.REDIS;
    }

    @Override
    public BulwarkStatus.StoreStatus storeStatus() {
        return health.status();
    }

    @Override
    public void probe() {
        if (health.state() != StoreHealth.State.UP && health.permits()) {
            try {
                store.warmUp();
                health.succeeded();
            } catch (StoreException | RuntimeException e) {
                // Whatever it was, the probe ends: left PROBING, the breaker would let no check through again.
                health.failed(e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
