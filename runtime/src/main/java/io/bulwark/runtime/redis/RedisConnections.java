package io.bulwark.runtime.redis;

import io.bulwark.runtime.config.RedisSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;

/**
 * How Bulwark connects to Redis ({@code bulwark.redis.*}): a small pool of its own per engine (per node on a cluster),
 * timeouts that bound every wait, TLS verified against the JVM's trust store. One Redis, a Redis Cluster (Jedis
 * follows {@code MOVED}/{@code ASK} and re-reads its slot map on every {@code MOVED} and failed connection, so a node's
 * death or moved slots are followed without a restart; no periodic refresh, whose non-daemon thread would keep the
 * application's JVM from exiting) or the primary a set of
 * Sentinels names (Jedis subscribes to {@code +switch-master} and moves its pool to the new primary).
 */
public final class RedisConnections {

    private RedisConnections() {
    }

    /** A client of {@code settings}' Redis; opens no connection until first used (a Sentinel client asks at once). */
    public static UnifiedJedis open(RedisSettings settings) {
        int millis = (int) Math.max(1, settings.timeout().toMillis());
        JedisClientConfig config = clientConfig(settings, millis, true);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolSize());
        pool.setMaxIdle(settings.poolSize());
        pool.setMinIdle(0);
        // Waiting for a free connection is part of the same budget: never longer than the timeout.
        pool.setMaxWait(Duration.ofMillis(millis));
        pool.setBlockWhenExhausted(true);
        // No MBeans: registering them would start the platform MBean server inside the application.
        pool.setJmxEnabled(false);
        return switch (settings.topology()) {
            case STANDALONE -> RedisClient.builder().hostAndPort(settings.host(), settings.port()).clientConfig(config)
                    .poolConfig(pool).build();
            case CLUSTER -> RedisClusterClient.builder().nodes(hosts(settings)).clientConfig(config)
                    .poolConfig(pool)
                    // Retries (MOVED, ASK, a dead node while the slot map is refreshed) stay inside the timeout: a
                    // check never waits longer, whatever the cluster does meanwhile.
                    .maxAttempts(5).maxTotalRetriesDuration(Duration.ofMillis(millis)).build();
            // Sentinels get TLS as configured but no credentials: they usually have none (or their own).
            case SENTINEL -> RedisSentinelClient.builder().masterName(settings.master()).sentinels(hosts(settings))
                    .clientConfig(config).sentinelClientConfig(clientConfig(settings, millis, false))
                    .poolConfig(pool).build();
        };
    }

    private static JedisClientConfig clientConfig(RedisSettings settings, int millis, boolean credentials) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .clientName("bulwark")
                // The server's default protocol (RESP2 on every Redis and look-alike): Jedis would otherwise open
                // each connection with HELLO, unknown before Redis 6, for nothing integer arrays need.
                .serverDefaultProtocol()
                // CLIENT SETINFO is one more command per connection and unknown before Redis 7.2.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        if (credentials) {
            config.database(settings.database());
            if (settings.password() != null) {
                config.user(settings.user()).password(settings.password());
            }
        }
        if (settings.tls()) {
            // FULL: the certificate must chain to the JVM's trust store and name the host connected to.
            config.sslOptions(SslOptions.builder().sslVerifyMode(SslVerifyMode.FULL).build());
        }
        return config.build();
    }

    private static Set<HostAndPort> hosts(RedisSettings settings) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        for (RedisSettings.Node node : settings.nodes()) {
            hosts.add(new HostAndPort(node.host(), node.port()));
        }
        return hosts;
    }
}
