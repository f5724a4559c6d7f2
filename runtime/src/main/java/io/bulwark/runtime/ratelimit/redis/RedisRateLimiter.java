package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.Store;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.Leases;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.HostAndPort;

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
    private final RedisSettings settings;
    /** Whether keys of one call may lie in several slots (a Redis Cluster): then one script run per slot. */
    private final boolean clustered;
    /** Single Redis or Sentinel: every check goes through this one. */
    private final Batcher batcher;
    /**
     * Cluster: one per node, made on first use. Checks of one slot coalesce into one script run, and the runs of one
     * node's slots go out in one pipeline ({@link RedisStore#runOnOneNode}). With one batcher per slot instead, 10,000
     * keys spread over 16,384 slots made every check a round trip of its own: 26,520 checks/s at 64 threads on
     * 3 primaries (0.31 x one Redis's coalesced run), see benchmarks/README.md.
     */
    private final ConcurrentHashMap<HostAndPort, Batcher> nodeBatchers = new ConcurrentHashMap<>();
    private final StoreHealth health;
    private final DenyCache denials = new DenyCache();
    /** The reservations of calls still running, extended while they run. */
    private final Leases<RedisPermit> leases = new Leases<>("bulwark-redis-leases", new Extend());

    /** A class, not {@code this::extend}: no lambda is spun while the engine is built in premain. */
    private final class Extend implements Consumer<List<RedisPermit>> {
        @Override
        public void accept(List<RedisPermit> running) {
            extend(running);
        }
    }

    /** The time Redis is sent with each batch (empty: Redis's own clock); a class, not a lambda (premain). */
    private final class Now implements Supplier<String> {
        @Override
        public String get() {
            return clockToRedis ? Long.toString(clock.micros()) : "";
        }
    }

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
        this.settings = settings;
        this.store = new RedisStore(settings);
        this.clustered = settings.topology() == RedisSettings.Topology.CLUSTER;
        this.local = local;
        this.clock = clock;
        this.clockToRedis = clockToRedis;
        this.batcher = clustered ? null : newBatcher();
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
        int[][] groups = groups(redisKeys);
        if (groups.length == 1) {
            Reply reply;
            try {
                reply = Reply.of(batcher(groups[0][0], redisKeys).call(check("a", states, redisKeys,
                        groups[0], null)), n);
            } catch (StoreException e) {
                health.failed(e.getMessage());
                return fallback(redisLimits, states, keys);
            }
            health.succeeded();
            if (!reply.admitted()) {
                throw refusal(redisLimits, states, redisKeys, reply, reply.index(), now);
            }
            long[] tokens = new long[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = reply.reservation(i);
            }
            return permit(redisLimits, states, redisKeys, tokens);
        }
        return acquireAcrossSlots(redisLimits, states, redisKeys, keys, groups, now);
    }

    /**
     * A method whose limits' keys lie in several cluster slots: one script run per slot, one slot after the other, each
     * admitting (and taking) or refusing its limits atomically. When a slot refuses, or cannot answer, every slot
     * already admitted is given back ({@code undo}) before the call is refused or follows {@code onStoreFailure}: a
     * refusal by one limit never spends another. What others may see meanwhile is the spent quota for one round trip:
     * a concurrent call may be refused that would have been admitted a moment later, never the reverse (see the Lua
     * script for what an undo restores exactly).
     */
    private Object acquireAcrossSlots(RedisLimit[] limits, RedisLimit.State[] states, List<String> redisKeys,
            String[] keys, int[][] groups, long now) {
        long[] tokens = new long[limits.length];
        for (int g = 0; g < groups.length; g++) {
            int[] group = groups[g];
            Reply reply;
            try {
                reply = Reply.of(batcher(group[0], redisKeys).call(check("a", states, redisKeys, group, null)),
                        group.length);
            } catch (StoreException e) {
                health.failed(e.getMessage());
                undo(states, redisKeys, groups, g, tokens);
                return fallback(limits, states, keys);
            }
            if (!reply.admitted()) {
                health.succeeded();
                undo(states, redisKeys, groups, g, tokens);
                throw refusal(limits, states, redisKeys, reply, group[reply.index()], now);
            }
            for (int j = 0; j < group.length; j++) {
                tokens[group[j]] = reply.reservation(j);
            }
        }
        health.succeeded();
        return permit(limits, states, redisKeys, tokens);
    }

    /** Gives back what the first {@code admitted} groups took. */
    private void undo(RedisLimit.State[] states, List<String> redisKeys, int[][] groups, int admitted,
            long[] tokens) {
        for (int g = 0; g < admitted; g++) {
            int[] group = groups[g];
            try {
                Reply.settled(batcher(group[0], redisKeys).call(check("u", states, redisKeys, group, tokens)));
            } catch (StoreException e) {
                // What it took stays taken until it expires: a refusal too many, never an admission too many.
                Log.warn("giving back the quota a refused call took in another slot failed (it stays spent until it "
                        + "expires): " + e.getMessage());
            }
        }
    }

    private RateLimitedException refusal(RedisLimit[] limits, RedisLimit.State[] states, List<String> redisKeys,
            Reply reply, int index, long now) {
        if (reply.cacheable()) {
            denials.remember(redisKeys.get(index), new DenyCache.Denial(limits[index], 0, now + reply.waitMicros(),
                    now + reply.resetMicros(), reply.locked()), now);
        }
        return states[index].refusal(reply.waitMicros(), reply.resetMicros(), reply.locked());
    }

    /** The script's input for the limits at {@code indexes}: an acquire, or an undo of what {@code tokens} say. */
    private static Check check(String op, RedisLimit.State[] states, List<String> redisKeys, int[] indexes,
            long[] tokens) {
        List<String> keys = new ArrayList<>(indexes.length);
        List<String> body = new ArrayList<>(2 + 6 * indexes.length);
        body.add(op);
        body.add(Integer.toString(indexes.length));
        for (int i : indexes) {
            keys.add(redisKeys.get(i));
            body.addAll(Arrays.asList(op.equals("a") ? states[i].acquireArgs : states[i].undoArgs(tokens[i])));
            if (op.equals("a") && states[i].countsFailures()) {
                body.add(Long.toString(reservationId()));
            }
        }
        return new Check(keys, body);
    }

    /**
     * The keys' indexes grouped by the slot their script must run in, in order of first appearance: one group on a
     * single Redis; on a cluster one per slot (the keys of one policy and key share a hash tag, those of different
     * policies mostly do not). A group's first element doubles as the index of a key naming its slot.
     */
    private int[][] groups(List<String> redisKeys) {
        int n = redisKeys.size();
        if (n == 1 || !clustered) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return new int[][] {all};
        }
        int[] slots = new int[n];
        for (int i = 0; i < n; i++) {
            slots[i] = store.slot(redisKeys.get(i));
        }
        List<int[]> groups = new ArrayList<>();
        boolean[] placed = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (placed[i]) {
                continue;
            }
            int count = 0;
            for (int j = i; j < n; j++) {
                if (slots[j] == slots[i]) {
                    count++;
                }
            }
            int[] group = new int[count];
            int k = 0;
            for (int j = i; j < n; j++) {
                if (slots[j] == slots[i]) {
                    group[k++] = j;
                    placed[j] = true;
                }
            }
            groups.add(group);
        }
        return groups.toArray(int[][]::new);
    }

    /** The batcher of the node of {@code redisKeys.get(index)}'s slot: one for everything on a single Redis. */
    private Batcher batcher(int index, List<String> redisKeys) throws StoreException {
        if (!clustered) {
            return batcher;
        }
        HostAndPort node = store.node(store.slot(redisKeys.get(index)));
        Batcher b = nodeBatchers.get(node);
        return b != null ? b : nodeBatchers.computeIfAbsent(node, n -> newBatcher());
    }

    private Batcher newBatcher() {
        // A caller may wait for a batch already on the wire, then for its own: twice the timeout at most.
        return new Batcher(store, new Now(),
                Math.min(settings.poolSize(), SENDERS), 2 * settings.timeout().toNanos());
    }

    /**
     * A random reservation id, 53 bits (exact in the script's doubles): no instance can guess, and settle or extend,
     * another's reservation, as it could with a counter.
     */
    private static long reservationId() {
        return (LeaseIds.RANDOM.nextLong() >>> 11) + 1;
    }

    private RedisPermit permit(RedisLimit[] limits, RedisLimit.State[] states, List<String> keys, long[] tokens) {
        int failures = 0;
        for (RedisLimit.State state : states) {
            if (state.countsFailures()) {
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
            if (states[i].countsFailures()) {
                settling[j] = limits[i];
                settlingKeys.add(keys.get(i));
                ids[j++] = tokens[i];
            }
        }
        RedisPermit permit = new RedisPermit(settling, settlingKeys, ids);
        leases.add(permit);
        return permit;
    }

    /** Extends the reservations of calls still running (every {@link Leases#PERIOD_MICROS}). */
    void extend(List<RedisPermit> running) {
        for (RedisPermit permit : running) {
            for (int[] group : groups(permit.keys())) {
                List<String> keys = new ArrayList<>(group.length);
                List<String> body = new ArrayList<>(2 + 7 * group.length);
                body.add("x");
                body.add(Integer.toString(group.length));
                for (int i : group) {
                    keys.add(permit.keys().get(i));
                    body.addAll(Arrays.asList(permit.limits()[i].extendArgs(permit.ids()[i])));
                }
                try {
                    Reply.settled(batcher(group[0], permit.keys()).call(new Check(keys, body)));
                } catch (StoreException e) {
                    // Tried again next period; if Redis stays away longer than the time to live, the reservation
                    // expires and counts as a failure: a refusal too many, never a guess too many.
                    Log.warn("extending a running call's lockout reservation failed: " + e.getMessage());
                }
            }
        }
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
        leases.remove(permit);
        List<String> keys = permit.keys();
        int[][] groups = groups(keys);
        for (int[] group : groups) {
            List<String> groupKeys = new ArrayList<>(group.length);
            List<String> body = new ArrayList<>(2 + 6 * group.length);
            body.add("s");
            body.add(Integer.toString(group.length));
            for (int i : group) {
                groupKeys.add(keys.get(i));
                body.addAll(Arrays.asList(permit.limits()[i].settleArgs(permit.ids()[i], thrown, cancelled)));
            }
            Check check = new Check(groupKeys, body);
            try {
                Reply.settled(batcher(group[0], keys).call(check));
                health.succeeded();
            } catch (StoreException first) {
                // Once more: a lost connection, a failover's first moments. Then the reservation is left to expire,
                // which counts it as a failure: a failure too many at worst (never a guess too many), and said so.
                try {
                    Reply.settled(batcher(group[0], keys).call(check));
                    health.succeeded();
                } catch (StoreException e) {
                    health.failed(e.getMessage());
                    Log.warn("settling a lockout reservation failed twice (" + e.getMessage() + "): it expires within "
                            + RateLimiter.RESERVATION_TTL_MICROS / 1_000_000 + " s and then counts as a failure");
                }
            }
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

    /** Extends every running call's reservations now, as the timer does each period (for tests). */
    void extendLeases() {
        leases.extendNow();
    }

    @Override
    public void close() {
        leases.close();
        store.close();
    }

    /**
     * Made on the first lease, not with the limiter: a SecureRandom loads the JCA's providers, which premain should
     * not wait for (on JDK 25 they spin a lambda there, PremainClassLoadIT).
     */
    private static final class LeaseIds {
        static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();
    }
}
