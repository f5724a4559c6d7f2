package io.bulwark.runtime.redis;

import io.bulwark.runtime.config.RedisSettings;
import java.time.Duration;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;

/**
 * How Bulwark connects to Redis ({@code bulwark.redis.*}): a small pool of its own per engine, timeouts that bound
 * every wait, TLS verified against the JVM's trust store.
 */
public final class RedisConnections {

    private RedisConnections() {
    }

    /** A pool of connections to {@code settings}' Redis; opens none until first used. */
    public static RedisClient open(RedisSettings settings) {
        int millis = (int) Math.max(1, settings.timeout().toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .database(settings.database())
                .clientName("bulwark")
                // The server's default protocol (RESP2 on every Redis and look-alike): Jedis would otherwise open
                // each connection with HELLO, unknown before Redis 6, for nothing integer arrays need.
                .serverDefaultProtocol()
                // CLIENT SETINFO is one more command per connection and unknown before Redis 7.2.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (settings.password() != null) {
            config.user(settings.user()).password(settings.password());
        }
        if (settings.tls()) {
            // FULL: the certificate must chain to the JVM's trust store and name the host connected to.
            config.sslOptions(SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
        }
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        // Waiting for a free connection is part of the same budget: never longer than the timeout.
        pool.setMaxWait(Duration.ofMillis(millis));
        pool.setBlockWhenExhausted(true);
        // No MBeans: registering them would start the platform MBean server inside the application.
        pool.setJmxEnabled(false);
        return RedisClient.builder().hostAndPort(settings.host(), settings.port()).clientConfig(config.build())
                .poolConfig(pool).build();
    }
}
