package io.bulwark.benchmarks;

import io.bulwark.Count;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.DurationSyntax;
import io.bulwark.runtime.config.RedisSettings;
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
 * Bulwark's Redis engine, one check per operation, with its defaults (pool of 16, GCRA). The engine is called
 * directly: the woven call adds a dispatch of well under a microsecond to a round trip of tens.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BulwarkRedisBenchmark {

    static final int KEYS = 10_000;

    private RedisRateLimiter engine;
    private RateLimiter.Limit[] roomy;
    private RateLimiter.Limit[] spent;
    private final String[] keys = new String[KEYS];

    /** Each thread walks the 10,000 keys from its own starting point. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Math.random() * KEYS);
    }

    @Setup
    public void connect() {
        engine = new RedisRateLimiter(new RedisSettings(BenchRedis.url(), Duration.ofSeconds(1), 16),
                new InMemoryRateLimiter(MicroClock.monotonic(), 100_000, false));
        String run = "bench" + System.nanoTime();
        // One call per microsecond is far more than a round trip allows: this limit never refuses.
        roomy = new RateLimiter.Limit[] {engine.limit(policy(run + "-roomy", 1_000_000, "1s"))};
        spent = new RateLimiter.Limit[] {engine.limit(policy(run + "-spent", 1, "1d"))};
        for (int i = 0; i < KEYS; i++) {
            keys[i] = "user-" + i;
        }
        engine.acquire(spent, new String[] {"hot"});
    }

    private static RateLimitPolicy policy(String name, int limit, String window) {
        return new RateLimitPolicy(name, limit, DurationSyntax.parse(window), "", Count.CALLS,
                Duration.ZERO, Set.of(), false, StoreFailure.CLOSED, Algorithm.GCRA);
    }

    @TearDown
    public void close() {
        engine.close();
    }

    /** Every check admitted, all on one key: each is a round trip (or a share of a pipelined one). */
    @Benchmark
    public Object hotKey() {
        return engine.acquire(roomy, new String[] {"hot"});
    }

    /** Every check admitted, over 10,000 keys. */
    @Benchmark
    public Object manyKeys(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == KEYS ? 0 : i + 1;
        return engine.acquire(roomy, new String[] {keys[i]});
    }

    /** A key over its limit, as under a flood: refused from the local deny cache, about once a second from Redis. */
    @Benchmark
    public Object hotKeyRefused() {
        try {
            return engine.acquire(spent, new String[] {"hot"});
        } catch (RateLimitedException refused) {
            return refused;
        }
    }
}
