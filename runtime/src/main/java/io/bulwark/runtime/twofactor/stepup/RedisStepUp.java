package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.redis.RedisConnections;
import io.bulwark.runtime.secrets.Utf16;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The step-up's state in Redis ({@code bulwark.redis.url}), shared by every instance: session freshness
 * ({@code bulwark:2fa:fresh:{<hash>}}, the time of the last verified code, in microseconds) and the replay ledger
 * ({@code bulwark:2fa:step:{<hash>}}, the latest accepted time step per user, advanced by a script so that two
 * instances can never both accept one code). User ids and sessions appear only as 128 bits of a SHA-256, and every key
 * expires.
 */
final class RedisStepUp implements Freshness, StepLedger {

    /** Advances the ledger to ARGV[1] if it is later (mode 'a': 1 if it was, else 0), or just raises it (mode 'r'). */
    static final String ADVANCE = """
            local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
            local step = tonumber(ARGV[1])
            if step > last then
                redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
                return 1
            end
            if ARGV[3] == 'r' or (ARGV[3] == 'g' and step == last) then return 1 end
            return 0""";
    /** A generation is kept as long as a row may sit unused: a year. */
    private static final Duration GENERATION_TTL = Duration.ofDays(366);
    /** Longer than any code's window (±1 step of at most 5 minutes); the store keeps the step durably besides. */
    private static final Duration LEDGER_TTL = Duration.ofDays(1);

    private final RedisSettings settings;
    private final Duration keep;
    private volatile UnifiedJedis client;

    RedisStepUp(RedisSettings settings, Duration keep) {
        this.settings = settings;
        this.keep = keep;
    }

    @Override
    public Instant verifiedAt(String user, String session) throws StepUpStoreException {
        String micros = call(redis -> redis.get(freshKey(user, session)));
        if (micros == null) {
            return null;
        }
        try {
            long value = Long.parseLong(micros);
            return Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
        } catch (NumberFormatException e) {
            throw failed(e);
        }
    }

    @Override
    public void markVerified(String user, String session, Instant at) throws StepUpStoreException {
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        call(redis -> redis.psetex(freshKey(user, session), keep.toMillis(), Long.toString(micros)));
    }

    @Override
    public boolean advance(String user, long step) throws StepUpStoreException {
        return run(user, step, "a");
    }

    @Override
    public void raise(String user, long step) throws StepUpStoreException {
        run(user, step, "r");
    }

    @Override
    public boolean generation(String user, long generation) throws StepUpStoreException {
        Object reply = call(redis -> redis.eval(ADVANCE, List.of("bulwark:2fa:gen:{" + hash(user, null) + "}"),
                List.of(Long.toString(generation), Long.toString(GENERATION_TTL.toMillis()), "g")));
        return Long.valueOf(1).equals(reply);
    }

    private boolean run(String user, long step, String mode) throws StepUpStoreException {
        Object reply = call(redis -> redis.eval(ADVANCE, List.of(stepKey(user)),
                List.of(Long.toString(step), Long.toString(LEDGER_TTL.toMillis()), mode)));
        return Long.valueOf(1).equals(reply);
    }

    /** A Redis command; once more on a broken connection (a restarted Redis leaves dead ones in the pool). */
    private <T> T call(java.util.function.Function<UnifiedJedis, T> command) throws StepUpStoreException {
        try {
            try {
                return command.apply(client());
            } catch (JedisConnectionException e) {
                return command.apply(client());
            }
        } catch (JedisException e) {
            throw failed(e);
        }
    }

    private StepUpStoreException failed(Exception e) {
        return new StepUpStoreException("Redis at " + settings.display() + " cannot answer for the step-up ("
                + e.getClass().getSimpleName() + ")", e);
    }

    private UnifiedJedis client() {
        UnifiedJedis c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = RedisConnections.open(settings);
                }
                c = client;
            }
        }
        return c;
    }

    static String freshKey(String user, String session) {
        return "bulwark:2fa:fresh:{" + hash(user, session) + "}";
    }

    static String stepKey(String user) {
        return "bulwark:2fa:step:{" + hash(user, null) + "}";
    }

    /** 128 bits of SHA-256 over the length-prefixed UTF-16 code units of each part. */
    private static String hash(String user, String session) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : session == null ? new String[] {user} : new String[] {user, session}) {
                int n = part.length();
                sha.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
                sha.update(Utf16.bytes(part));
            }
            byte[] digest = sha.digest();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
