package io.bulwark.runtime.redis;

import io.bulwark.runtime.config.RedisSettings;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

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
        JedisClientConfig config = clientConfig(settings, millis, settings.database(), settings.user(),
                settings.password());
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
            case CLUSTER -> {
                try {
                    yield RedisClusterClient.builder().nodes(hosts(settings)).clientConfig(config)
                            .poolConfig(pool)
                            // Retries (MOVED, ASK, a dead node while the slot map is refreshed) stay inside the
                            // timeout: a check never waits longer, whatever the cluster does meanwhile.
                            .maxAttempts(5).maxTotalRetriesDuration(Duration.ofMillis(millis)).build();
                } catch (JedisClusterOperationException e) {
                    // "Could not initialize cluster slots cache." says nothing of why; Jedis keeps the first
                    // seed's failure beside it, a refused password among them.
                    Throwable first = e.getSuppressed().length > 0 ? e.getSuppressed()[0] : null;
                    if (refusedCredentials(first)) {
                        throw new JedisAccessControlException("the cluster's nodes refused the credentials of "
                                + "bulwark.redis.user and bulwark.redis.password (" + first.getMessage() + ")", first);
                    }
                    // The first failure as the cause: the log names its root (an SSLHandshakeException, say).
                    throw first == null ? e : new JedisClusterOperationException(e.getMessage() + " "
                            + first.getClass().getSimpleName() + ": " + first.getMessage(), first);
                }
            }
            // Sentinels get TLS as configured and credentials of their own (bulwark.redis.sentinel.user and
            // .password): the data nodes' would be refused by Sentinels that have none or others.
            case SENTINEL -> {
                JedisClientConfig sentinelConfig = clientConfig(settings, millis, 0, settings.sentinelUser(),
                        settings.sentinelPassword());
                try {
                    yield RedisSentinelClient.builder().masterName(settings.master()).sentinels(hosts(settings))
                            .clientConfig(config).sentinelClientConfig(sentinelConfig).poolConfig(pool).build();
                } catch (JedisConnectionException e) {
                    throw sentinelsRefusing(settings, sentinelConfig, e);
                }
            }
        };
    }

    /**
     * Why no Sentinel named the primary, when it is that they refused the credentials: Jedis says only "All sentinels
     * down" (it logs each Sentinel's reason, at debug level here). Asks them in turn until one answers at all; a
     * Sentinel that refuses connections answers at once, and this runs only when opening failed, under the breaker's
     * backoff.
     */
    private static JedisException sentinelsRefusing(RedisSettings settings, JedisClientConfig config,
            JedisConnectionException failure) {
        for (RedisSettings.Node node : settings.nodes()) {
            try (Jedis sentinel = new Jedis(new HostAndPort(node.host(), node.port()), config)) {
                sentinel.ping();
                return failure;
            } catch (JedisException e) {
                if (refusedCredentials(e)) {
                    return new JedisAccessControlException("the Sentinels refused the credentials of "
                            + "bulwark.redis.sentinel.user and bulwark.redis.sentinel.password (" + e.getMessage()
                            + ")", failure);
                }
            }
        }
        return failure;
    }

    /** NOAUTH (none given, one needed) or WRONGPASS: never the password itself, which Redis does not repeat. */
    private static boolean refusedCredentials(Throwable e) {
        return e instanceof JedisAccessControlException || e instanceof JedisDataException && e.getMessage() != null
                && (e.getMessage().startsWith("NOAUTH") || e.getMessage().startsWith("WRONGPASS"));
    }

    private static JedisClientConfig clientConfig(RedisSettings settings, int millis, int database, String user,
            String password) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .clientName("bulwark")
                // The server's default protocol (RESP2 on every Redis and look-alike): Jedis would otherwise open
                // each connection with HELLO, unknown before Redis 6, for nothing integer arrays need.
                .serverDefaultProtocol()
                // CLIENT SETINFO is one more command per connection and unknown before Redis 7.2.
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        config.database(database);
        if (password != null) {
            config.user(user).password(password);
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
