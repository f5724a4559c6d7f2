package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.redis.RedisConnections;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Bulwark's connection to Redis: a small pool of its own, opened on first use (never in premain), and the
 * rate-limit script sent by SHA-1, with the source sent instead on {@code NOSCRIPT} (after a restart, a
 * {@code SCRIPT FLUSH} or a failover to a node that never saw it), which also caches it there.
 *
 * <p>A {@code READONLY} reply means the node written to was demoted to a replica (a failover happened behind this
 * client's back: a DNS name that moved, a Sentinel or cluster notice not yet seen): the client is dropped and opened
 * afresh, so that the next call asks where the primary is now.
 */
final class RedisStore implements AutoCloseable {

    /** One script call: its keys (all of one cluster slot) and arguments. */
    record Call(List<String> keys, List<String> args) {
    }

    private final RedisSettings settings;
    private final boolean cluster;
    private volatile UnifiedJedis client;
    private volatile boolean closed;

    RedisStore(RedisSettings settings) {
        this.settings = settings;
        this.cluster = settings.topology() == RedisSettings.Topology.CLUSTER;
    }

    RedisSettings settings() {
        return settings;
    }

    /**
     * The group a key's script runs in: its cluster slot, or 0 for everything on one Redis (where one script may touch
     * any keys).
     */
    int slot(String key) {
        return cluster ? JedisClusterCRC16.getSlot(key) : 0;
    }

    /** Runs the script once. */
    Object run(Call call) throws StoreException {
        UnifiedJedis redis = client();
        try {
            try {
                return redis.evalsha(RedisScript.RATE_LIMITS.sha1, call.keys(), call.args());
            } catch (JedisNoScriptException e) {
                // EVAL caches the script on the node that runs it: the one that owns these keys.
                return redis.eval(RedisScript.RATE_LIMITS.source, call.keys(), call.args());
            }
        } catch (JedisNoScriptException e) {
            throw new StoreException("Redis does not keep the script (NOSCRIPT after EVAL)", e);
        } catch (JedisDataException e) {
            if (readOnly(e)) {
                reconnect(redis);
                throw new StoreException("Redis answered READONLY (a primary was demoted): reconnecting", e);
            }
            throw new StoreException("Redis refused the script: " + e.getMessage(), e);
        } catch (JedisException | IllegalStateException e) {
            throw new StoreException(describe(e), e);
        }
    }

    private static boolean readOnly(JedisDataException e) {
        return e.getMessage() != null && e.getMessage().startsWith("READONLY");
    }

    /** Drops {@code stale} (unless another caller already did) so that the next call opens a client afresh. */
    private void reconnect(UnifiedJedis stale) {
        synchronized (this) {
            if (client != stale) {
                return;
            }
            client = null;
        }
        Log.warn("the rate-limit store " + settings.display() + " answered READONLY: a primary was demoted, "
                + "reconnecting to find the new one");
        try {
            stale.close();
        } catch (RuntimeException e) {
            Log.debug("closing the demoted primary's connections failed: " + e);
        }
    }

    /** Opens a connection (its TLS handshake included) and loads the script, so that the first check needs neither. */
    void warmUp() throws StoreException {
        try {
            // On a cluster, Jedis sends SCRIPT LOAD to every primary.
            client().scriptLoad(RedisScript.RATE_LIMITS.source);
        } catch (JedisException e) {
            throw new StoreException(describe(e), e);
        }
    }

    /** Deletes {@code keys}, one by one (they may lie in different slots); returns how many existed. */
    long delete(List<String> keys) throws StoreException {
        try {
            UnifiedJedis redis = client();
            long deleted = 0;
            for (String key : keys) {
                deleted += redis.del(key);
            }
            return deleted;
        } catch (JedisDataException e) {
            if (readOnly(e)) {
                reconnect(client);
            }
            throw new StoreException(describe(e), e);
        } catch (JedisException e) {
            throw new StoreException(describe(e), e);
        }
    }

    static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return root == e ? what : what + " (" + root.getClass().getSimpleName() + ")";
    }

    private UnifiedJedis client() throws StoreException {
        UnifiedJedis c = client;
        if (c != null) {
            return c;
        }
        synchronized (this) {
            if (closed) {
                throw new StoreException("the Redis store is closed");
            }
            if (client == null) {
                try {
                    client = RedisConnections.open(settings);
                } catch (JedisException | IllegalArgumentException e) {
                    throw new StoreException(describe(e), e);
                }
            }
            return client;
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
