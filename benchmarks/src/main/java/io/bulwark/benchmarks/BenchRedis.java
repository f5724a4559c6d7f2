package io.bulwark.benchmarks;

import java.net.URI;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPoolConfig;
import redis.clients.jedis.RedisClient;

/** The Redis every benchmark of one run uses: {@code -Dbench.redis=redis://host:port}, default localhost. */
@SuppressWarnings("deprecation") // JedisPool, which Bucket4j's Jedis back end takes
final class BenchRedis {

    /** Connections for the peers: one per benchmark thread at 64 threads, so that none of them waits for one. */
    static final int PEER_POOL = 64;

    private BenchRedis() {
    }

    static URI url() {
        return URI.create(System.getProperty("bench.redis", "redis://127.0.0.1:6379"));
    }

    static RedisClient client(int pool) {
        ConnectionPoolConfig config = new ConnectionPoolConfig();
        config.setMaxTotal(pool);
        config.setMaxIdle(pool);
        config.setJmxEnabled(false);
        return RedisClient.builder().hostAndPort(url().getHost(), url().getPort()).poolConfig(config).build();
    }

    static JedisPoolConfig jedisPoolConfig(int pool) {
        JedisPoolConfig config = new JedisPoolConfig();
        config.setMaxTotal(pool);
        config.setMaxIdle(pool);
        config.setJmxEnabled(false);
        return config;
    }

    static Jedis single() {
        return new Jedis(url().getHost(), url().getPort());
    }
}
