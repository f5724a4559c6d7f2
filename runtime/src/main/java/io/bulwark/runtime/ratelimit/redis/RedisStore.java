package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.redis.RedisConnections;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Bulwark's connection to Redis: a small pool of its own, opened on first use (never in premain), and the
 * rate-limit script sent by SHA-1, with the source loaded again on {@code NOSCRIPT} (after a restart or a
 * {@code SCRIPT FLUSH}).
 */
final class RedisStore implements AutoCloseable {

    /** One script call: its keys and arguments. */
    record Call(List<String> keys, List<String> args) {
    }

    private final RedisSettings settings;
    private volatile RedisClient client;
    private volatile boolean closed;

    RedisStore(RedisSettings settings) {
        this.settings = settings;
    }

    RedisSettings settings() {
        return settings;
    }

    /** Runs {@code calls} in one pipeline: one round trip for all of them. */
    List<Object> run(List<Call> calls) throws StoreException {
        RedisClient redis = client();
        if (calls.size() == 1) {
            return List.of(runOne(redis, calls.get(0)));
        }
        Object[] replies = new Object[calls.size()];
        List<Integer> unknownScript = pipeline(redis, calls, all(calls.size()), replies);
        if (!unknownScript.isEmpty()) {
            try {
                redis.scriptLoad(RedisScript.RATE_LIMITS.source);
            } catch (JedisException e) {
                throw new StoreException("loading the script failed: " + e.getMessage(), e);
            }
            if (!pipeline(redis, calls, unknownScript, replies).isEmpty()) {
                throw new StoreException("Redis does not keep the script (NOSCRIPT right after SCRIPT LOAD)");
            }
        }
        return Arrays.asList(replies);
    }

    /** One call without a pipeline object: what a lone check (the common case at low load) costs. */
    private static Object runOne(RedisClient redis, Call call) throws StoreException {
        try {
            try {
                return redis.evalsha(RedisScript.RATE_LIMITS.sha1, call.keys(), call.args());
            } catch (JedisNoScriptException e) {
                redis.scriptLoad(RedisScript.RATE_LIMITS.source);
                return redis.evalsha(RedisScript.RATE_LIMITS.sha1, call.keys(), call.args());
            }
        } catch (JedisNoScriptException e) {
            throw new StoreException("Redis does not keep the script (NOSCRIPT right after SCRIPT LOAD)", e);
        } catch (JedisException | IllegalStateException e) {
            throw new StoreException(describe(e), e);
        }
    }

    /** Sends the calls at {@code indexes}; returns the indexes Redis had no script for. */
    private static List<Integer> pipeline(RedisClient redis, List<Call> calls, List<Integer> indexes, Object[] replies)
            throws StoreException {
        List<Response<Object>> responses = new ArrayList<>(indexes.size());
        try (AbstractPipeline pipe = redis.pipelined()) {
            for (int i : indexes) {
                Call call = calls.get(i);
                responses.add(pipe.evalsha(RedisScript.RATE_LIMITS.sha1, call.keys(), call.args()));
            }
            pipe.sync();
        } catch (JedisException | IllegalStateException e) {
            throw new StoreException(describe(e), e);
        }
        List<Integer> unknownScript = new ArrayList<>();
        for (int j = 0; j < indexes.size(); j++) {
            try {
                replies[indexes.get(j)] = responses.get(j).get();
            } catch (JedisNoScriptException e) {
                unknownScript.add(indexes.get(j));
            } catch (JedisException e) {
                throw new StoreException("Redis refused the script: " + e.getMessage(), e);
            }
        }
        return unknownScript;
    }

    /** Opens a connection (its TLS handshake included) and loads the script, so that the first check needs neither. */
    void warmUp() throws StoreException {
        try {
            client().scriptLoad(RedisScript.RATE_LIMITS.source);
        } catch (JedisException e) {
            throw new StoreException(describe(e), e);
        }
    }

    /** Deletes {@code keys}; returns how many existed. */
    long delete(List<String> keys) throws StoreException {
        try {
            return client().del(keys.toArray(String[]::new));
        } catch (JedisException e) {
            throw new StoreException(describe(e), e);
        }
    }

    private static List<Integer> all(int n) {
        List<Integer> indexes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            indexes.add(i);
        }
        return indexes;
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String what = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return root == e ? what : what + " (" + root.getClass().getSimpleName() + ")";
    }

    private RedisClient client() throws StoreException {
        RedisClient c = client;
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
