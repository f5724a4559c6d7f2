package io.bulwark.benchmarks;

import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.jedis.Bucket4jJedis;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.RedisClusterClient;

/** The peer on the cluster: Bucket4j's Jedis back end (compare-and-swap) over a Jedis cluster client. */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Bucket4jClusterBenchmark {

    private RedisClusterClient cluster;
    private BucketProxy hot;
    private final BucketProxy[] many = new BucketProxy[BulwarkRedisBenchmark.KEYS];

    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Math.random() * BulwarkRedisBenchmark.KEYS);
    }

    @Setup
    public void connect() {
        cluster = BenchCluster.client(BenchRedis.PEER_POOL);
        hot = Bucket4jRedisBenchmark.fill(Bucket4jJedis.casBasedBuilder(cluster)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofSeconds(10)))
                .build(), "bucket4j-cluster" + System.nanoTime(), many);
    }

    @TearDown
    public void close() {
        cluster.close();
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
