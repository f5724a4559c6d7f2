package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.redis.RedisConnections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.exceptions.JedisRedirectionException;
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
    /** Cluster: the node that served each slot when last asked (a hint for grouping: a stale one costs a MOVED). */
    private final ConcurrentHashMap<Integer, HostAndPort> nodes = new ConcurrentHashMap<>();
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

    boolean clustered() {
        return cluster;
    }

    /** Cluster: the node serving {@code slot}, as far as this client knows; a hint, asked once per slot. */
    HostAndPort node(int slot) throws StoreException {
        HostAndPort node = nodes.get(slot);
        if (node != null) {
            return node;
        }
        try (Connection connection = ((RedisClusterClient) client()).getConnectionFromSlot(slot)) {
            node = connection.getHostAndPort();
        } catch (JedisException | IllegalStateException e) {
            throw new StoreException(describe(e), e);
        }
        nodes.put(slot, node);
        return node;
    }

    /**
     * Cluster: the script runs of {@code calls} (each of one slot, most on one node) written to the node serving the
     * first one's slot in one pipeline: one round trip and one write for all, where each alone would cost a round trip
     * and a system call or two on both sides. Returns each call's reply, or null for those that must be run alone
     * ({@link #run}: a MOVED or ASK, a NOSCRIPT, a READONLY, a broken connection), the way that follows redirections,
     * loads the script, and asks where a failed-over primary went.
     */
    Object[] runOnOneNode(List<Call> calls) {
        Object[] replies = new Object[calls.size()];
        try (Connection connection = ((RedisClusterClient) client())
                .getConnectionFromSlot(slot(calls.get(0).keys().get(0)))) {
            for (Call call : calls) {
                String[] args = new String[2 + call.keys().size() + call.args().size()];
                args[0] = RedisScript.RATE_LIMITS.sha1;
                args[1] = Integer.toString(call.keys().size());
                int i = 2;
                for (String key : call.keys()) {
                    args[i++] = key;
                }
                for (String arg : call.args()) {
                    args[i++] = arg;
                }
                connection.sendCommand(Protocol.Command.EVALSHA, args);
            }
            List<Object> answers = connection.getMany(calls.size());
            for (int i = 0; i < replies.length; i++) {
                Object answer = answers.get(i);
                if (answer instanceof JedisRedirectionException) {
                    nodes.remove(slot(calls.get(i).keys().get(0)));
                } else if (!(answer instanceof JedisDataException)) {
                    replies[i] = answer;
                }
            }
        } catch (StoreException | JedisException | IllegalStateException e) {
            // Every call is run alone: Jedis's retries refresh its slot map. A run that Redis did before the
            // connection broke runs twice, as with Jedis's own retries: a quota spent twice (a refusal too many).
            nodes.clear();
        }
        return replies;
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
