package io.bulwark.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.RedisClient;

/**
 * The floor: a bare Jedis PING, one round trip that does nothing, through both of Jedis's client styles (the
 * report takes the faster as the floor).
 */
// JedisPool is what Bucket4j's Jedis back end takes, and the classic client style a PING loop uses.
@SuppressWarnings("deprecation")
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PingBenchmark {

    private RedisClient redis;
    private JedisPool pool;

    @Setup
    public void connect() {
        redis = BenchRedis.client(BenchRedis.PEER_POOL);
        pool = new JedisPool(BenchRedis.jedisPoolConfig(BenchRedis.PEER_POOL), BenchRedis.url().getHost(),
                BenchRedis.url().getPort());
    }

    @TearDown
    public void close() {
        redis.close();
        pool.close();
    }

    /** {@code RedisClient} (a {@code UnifiedJedis}), the client style Bulwark uses. */
    @Benchmark
    public String ping() {
        return redis.ping();
    }

    /** A {@code Jedis} borrowed from a {@code JedisPool}, the classic style. */
    @Benchmark
    public String pingPooledJedis() {
        try (Jedis jedis = pool.getResource()) {
            return jedis.ping();
        }
    }
}
