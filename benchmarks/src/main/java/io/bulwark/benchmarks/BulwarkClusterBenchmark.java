package io.bulwark.benchmarks;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Bulwark's engine on a Redis Cluster ({@code bulwark.redis.cluster}), defaults as on one Redis (pool of 16 per node,
 * GCRA): the same checks as {@link BulwarkRedisBenchmark}, and a method with two limits whose keys lie in two slots.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BulwarkClusterBenchmark {

    private RedisRateLimiter engine;
    private RateLimiter.Limit[] roomy;
    private RateLimiter.Limit[] two;
    private final String[] keys = new String[BulwarkRedisBenchmark.KEYS];

    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Math.random() * BulwarkRedisBenchmark.KEYS);
    }

    @Setup
    public void connect() {
        engine = new RedisRateLimiter(BenchCluster.settings(),
                new InMemoryRateLimiter(MicroClock.monotonic(), 100_000, false));
        String run = "cluster" + System.nanoTime();
        roomy = new RateLimiter.Limit[] {engine.limit(policy(run + "-roomy"))};
        two = new RateLimiter.Limit[] {engine.limit(policy(run + "-user")), engine.limit(policy(run + "-org"))};
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "user-" + i;
        }
    }

    private static RateLimitPolicy policy(String name) {
        // One call per microsecond: never refuses.
        return new RateLimitPolicy(name, 1_000_000, Duration.ofSeconds(1), "", Count.CALLS, Duration.ZERO, Set.of(),
                false, StoreFailure.CLOSED, Algorithm.GCRA);
    }

    @TearDown
    public void close() {
        engine.close();
    }

    @Benchmark
    public Object hotKey() {
        return engine.acquire(roomy, new String[] {"hot"});
    }

    @Benchmark
    public Object manyKeys(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == keys.length ? 0 : i + 1;
        return engine.acquire(roomy, new String[] {keys[i]});
    }

    /** A per-user and a per-organisation limit, 10,000 users of one organisation: two slots, two script runs. */
    @Benchmark
    public Object twoLimitsAcrossSlots(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == keys.length ? 0 : i + 1;
        return engine.acquire(two, new String[] {keys[i], "acme"});
    }
}
