package io.bulwark.benchmarks;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.JedisPool;

/** The peer: Bucket4j's Jedis back end (compare-and-swap), the same limit, the same Redis. */
// JedisPool is what Bucket4j's Jedis back end takes, and the classic client style a PING loop uses.
@SuppressWarnings("deprecation")
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Bucket4jRedisBenchmark {

    private JedisPool pool;
    private BucketProxy hot;
    private final BucketProxy[] many = new BucketProxy[BulwarkRedisBenchmark.KEYS];

    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Math.random() * BulwarkRedisBenchmark.KEYS);
    }

    @Setup
    public void connect() {
        pool = new JedisPool(BenchRedis.jedisPoolConfig(BenchRedis.PEER_POOL), BenchRedis.url().getHost(),
                BenchRedis.url().getPort());
        hot = fill(Bucket4jJedis.casBasedBuilder(pool)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build(), "bucket4j" + System.nanoTime(), many);
    }

    /**
     * Fills {@code many} with buckets of {@code buckets} roomy enough never to refuse, and returns the hot one: the
     * peer's cost per check, not its refusals, is measured. Shared with {@link Bucket4jClusterBenchmark}.
     */
    static BucketProxy fill(ProxyManager<byte[]> buckets, String run, BucketProxy[] many) {
        BucketConfiguration roomy = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(1_000_000).refillGreedy(1_000_000, Duration.ofSeconds(1)))
                .build();
        for (int i = 0; i < many.length; i++) {
            many[i] = buckets.builder().build((run + ":user-" + i).getBytes(StandardCharsets.UTF_8), () -> roomy);
        }
        return buckets.builder().build((run + ":hot").getBytes(StandardCharsets.UTF_8), () -> roomy);
    }

    @TearDown
    public void close() {
        pool.close();
    }

    @Benchmark
    public boolean hotKey() {
        return hot.tryConsume(1);
    }

    @Benchmark
    public boolean manyKeys(Cursor cursor) {
        int i = cursor.next;
        cursor.next = i + 1 == many.length ? 0 : i + 1;
        return many[i].tryConsume(1);
    }
}
