package io.bulwark.runtime.ratelimit.redis;

import static io.bulwark.runtime.ratelimit.Policies.calls;
import static io.bulwark.runtime.ratelimit.Policies.failures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.testing.FakeRedis;
import io.bulwark.runtime.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/** What only the Redis engine does: round trips, local refusals, outages, garbage, hostile keys, expiry. */
class RedisRateLimiterTest {

    /** Commands the script itself issues; anything else counted by Redis was sent by a client. */
    private static final Set<String> SCRIPT_COMMANDS = Set.of("time", "get", "mget", "set", "hmget", "hset", "pexpire",
            "hincrby", "del");
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    private static RedisServer server;
    private RedisClient admin;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final String prefix = "t" + System.nanoTime() + "-";

    @BeforeAll
    static void startServer() {
        server = RedisServer.startPrivate();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void setUp() {
        server.start();
        // A client per test: a test that restarts the server leaves dead connections in a pool.
        admin = RedisClient.create(server.url());
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        Log.setOutput(System.err);
        admin.close();
    }

    private static RedisRateLimiter engine(URI url) {
        return new RedisRateLimiter(new RedisSettings(url, TIMEOUT, 4),
                new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false));
    }

    private RateLimiter.Limit limit(RateLimiter engine, RateLimitPolicy policy) {
        return engine.limit(policy.withName(prefix + policy.name()));
    }

    private static Object call(RateLimiter engine, RateLimiter.Limit limit, String key) {
        return engine.acquire(new RateLimiter.Limit[] {limit}, new String[] {key});
    }

    private static void resetStats() {
        try (Jedis jedis = new Jedis(server.url())) {
            jedis.configResetStat();
        }
    }

    private Map<String, Long> commandCalls() {
        Map<String, Long> calls = new HashMap<>();
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                long n = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                calls.put(name, n);
            }
        }
        return calls;
    }

    @Test
    void eachCheckIsOneEvalshaAndNothingElse() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit api = limit(engine, calls("api", 10, "1m"));
            RateLimiter.Limit login = limit(engine, failures("login", 5, "5m", "15m", true));
            call(engine, api, "warm-up");
            resetStats();
            for (int i = 0; i < 50; i++) {
                call(engine, api, "user" + i);
                engine.acquire(new RateLimiter.Limit[] {api, login}, new String[] {"both" + i, "both" + i});
            }
            Map<String, Long> calls = commandCalls();
            assertEquals(100, calls.get("evalsha"), calls.toString());
            for (String command : calls.keySet()) {
                // "config|resetstat" on Redis 7, "config" on 6 (no subcommand stats yet)
                assertTrue(command.equals("evalsha") || command.startsWith("config") || command.equals("info")
                        || SCRIPT_COMMANDS.contains(command), "a client sent " + command + ": " + calls);
            }
        }
    }

    @Test
    void warmingUpConnectsAndLoadsTheScriptSoTheFirstCheckIsOneEvalsha() {
        admin.scriptFlush();
        try (RedisRateLimiter engine = engine(server.url())) {
            engine.warmUp();
            assertEquals(List.of(true), admin.scriptExists(List.of(RedisScript.RATE_LIMITS.sha1)),
                    "the script is loaded");
            resetStats();
            call(engine, limit(engine, calls("api", 10, "1m")), "first");
            Map<String, Long> calls = commandCalls();
            assertEquals(1, calls.get("evalsha"), calls.toString());
            assertNull(calls.get("script|load"), calls.toString());
        }
    }

    @Test
    void warmingUpAgainstADeadServerOnlyLogs() {
        try (RedisRateLimiter engine = engine(URI.create("redis://127.0.0.1:" + RedisServer.freePort()))) {
            engine.warmUp();
            RateLimiter.Limit api = limit(engine, calls("api", 1, "1m"));
            assertThrows(GuardUnavailableException.class, () -> call(engine, api, "k"),
                    "the check then follows its failure policy (CLOSED)");
        }
    }

    @Test
    void theScriptIsLoadedAgainAfterRedisForgetsIt() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit api = limit(engine, calls("api", 2, "1m"));
            call(engine, api, "k");
            admin.scriptFlush();
            call(engine, api, "k");
            assertThrows(RateLimitedException.class, () -> call(engine, api, "k"));
        }
    }

    @Test
    void aRefusedKeyIsRefusedLocallyWithoutAskingRedisAgain() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit api = limit(engine, calls("api", 1, "1h"));
            call(engine, api, "hot");
            RateLimitedException first = assertThrows(RateLimitedException.class, () -> call(engine, api, "hot"));
            resetStats();
            for (int i = 0; i < 100; i++) {
                RateLimitedException again = assertThrows(RateLimitedException.class, () -> call(engine, api, "hot"));
                assertTrue(again.retryAfter().compareTo(first.retryAfter()) <= 0);
                assertTrue(again.retryAfter().compareTo(Duration.ofMinutes(59)) > 0, "the real wait, not the cache's");
            }
            assertNull(commandCalls().get("evalsha"), "refusals within a second cost no round trip");
        }
    }

    @Test
    void whileRedisIsDownEachPolicyFollowsItsFailurePolicyAndNoCallHangs() throws Exception {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit closed = limit(engine, calls("closed", 100, "1m").withStoreFailure(StoreFailure.CLOSED));
            RateLimiter.Limit open = limit(engine, calls("open", 1, "1m").withStoreFailure(StoreFailure.OPEN));
            RateLimiter.Limit local = limit(engine, calls("local", 2, "1m").withStoreFailure(StoreFailure.LOCAL));
            RateLimiter.Limit login = limit(engine, failures("login", 5, "5m", "15m", false)
                    .withStoreFailure(StoreFailure.OPEN));
            call(engine, closed, "k");
            server.stop();
            long slowest = 0;
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                assertThrows(GuardUnavailableException.class, () -> call(engine, closed, "k"));
                assertThrows(GuardUnavailableException.class, () -> call(engine, login, "alice"),
                        "lockouts fail closed whatever their onStoreFailure");
                call(engine, open, "k");
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            call(engine, local, "k");
            call(engine, local, "k");
            assertThrows(RateLimitedException.class, () -> call(engine, local, "k"), "counted in this JVM meanwhile");
            // A hang would be seconds; the budget is twice the 200 ms timeout per check.
            assertTrue(slowest < Duration.ofSeconds(3).toNanos(), "slowest round took " + slowest / 1_000_000 + " ms");
            String logged = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, count(logged, "is unavailable"), "one line per transition:\n" + logged);

            server.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            boolean back = false;
            while (!back && System.nanoTime() < deadline) {
                try {
                    call(engine, closed, "k");
                    back = true;
                } catch (GuardUnavailableException stillDown) {
                    Thread.sleep(50);
                }
            }
            assertTrue(back, "service resumes once Redis is back");
            call(engine, login, "alice");
            assertEquals(1, count(log.toString(StandardCharsets.UTF_8), "is reachable again"));
        }
    }

    @Test
    void anOutageUnderLoadIsRefusedOrCountedLocallyAndNoCallWaitsPastItsBudget() throws Exception {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit login = limit(engine, failures("load-login", 1_000, "1h", "", false));
            RateLimiter.Limit quota = limit(engine, calls("load-quota", 1_000_000, "1s"));
            AtomicLong slowestNanos = new AtomicLong();
            AtomicInteger admittedWhileDown = new AtomicInteger();
            AtomicInteger refusedWhileDown = new AtomicInteger();
            AtomicInteger admittedAfter = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            AtomicInteger phase = new AtomicInteger();
            Runnable worker = () -> {
                while (phase.get() < 3) {
                    int seen = phase.get();
                    long start = System.nanoTime();
                    try {
                        engine.settle(call(engine, login, "alice"), null);
                        call(engine, quota, "k");
                        if (seen == 1) {
                            admittedWhileDown.incrementAndGet();
                        } else if (seen == 2) {
                            admittedAfter.incrementAndGet();
                        }
                    } catch (GuardUnavailableException refused) {
                        if (seen == 1) {
                            refusedWhileDown.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                    slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                }
            };
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(worker);
                t.start();
                threads.add(t);
            }
            Thread.sleep(300);
            server.stop();
            phase.set(1);
            Thread.sleep(1_000);
            // Phase 1 spans only time when Redis is certainly down: it ends before the server starts again.
            phase.set(2);
            server.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (admittedAfter.get() < 100 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            phase.set(3);
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), unexpected);
            assertTrue(refusedWhileDown.get() > 0, "the lockout policy refused while Redis was down");
            assertEquals(0, admittedWhileDown.get(), "a lockout policy admitted a call while Redis was down");
            assertTrue(admittedAfter.get() >= 100, "service resumed: " + admittedAfter.get());
            // Budget: twice the 200 ms timeout per check, two checks per loop, plus scheduling on a busy machine.
            assertTrue(slowestNanos.get() < Duration.ofSeconds(3).toNanos(),
                    "slowest loop " + slowestNanos.get() / 1_000_000 + " ms");
        }
    }

    @Test
    void aReplyThatIsNotTheScriptsAnswerIsAStoreFailureNotADecision() throws Exception {
        try (FakeRedis fake = new FakeRedis(command -> command.get(0).equalsIgnoreCase("evalsha")
                ? "*3\r\n:1\r\n:2\r\n$4\r\nnope\r\n" : "+OK\r\n");
                RedisRateLimiter engine = engine(fake.url())) {
            RateLimiter.Limit closed = limit(engine, calls("closed", 100, "1m").withStoreFailure(StoreFailure.CLOSED));
            RateLimiter.Limit open = limit(engine, calls("open", 100, "1m").withStoreFailure(StoreFailure.OPEN));
            assertThrows(GuardUnavailableException.class, () -> call(engine, closed, "k"));
            assertNull(call(engine, open, "k"));
            assertTrue(log.toString(StandardCharsets.UTF_8).contains("unexpected reply from the rate-limit script"),
                    log.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aRedisThatNeverAnswersCostsAtMostTheTimeoutBudget() throws Exception {
        try (FakeRedis silent = new FakeRedis(command -> command.get(0).equalsIgnoreCase("evalsha") ? null : "+OK\r\n");
                RedisRateLimiter engine = engine(silent.url())) {
            RateLimiter.Limit closed = limit(engine, calls("closed", 100, "1m").withStoreFailure(StoreFailure.CLOSED));
            long start = System.nanoTime();
            assertThrows(GuardUnavailableException.class, () -> call(engine, closed, "k"));
            long took = System.nanoTime() - start;
            assertTrue(took < Duration.ofSeconds(3).toNanos(), "took " + took / 1_000_000 + " ms");
        }
    }

    @Test
    void hostileKeysNeitherInjectNorBloatNorCollide() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit api = limit(engine, calls("inj", 1, "1h"));
            List<String> hostile = List.of("}", "{", "{x}", "a\nb", "a\r\n*3\r\n$3\r\nDEL\r\n", "x".repeat(1 << 20),
                    "x".repeat(1 << 20) + "y", "", "\u0000", "é", "?", "a\uD800", "a\uD801");
            for (String key : hostile) {
                call(engine, api, key);
            }
            for (String key : hostile) {
                assertThrows(RateLimitedException.class, () -> call(engine, api, key));
            }
            Pattern safe = Pattern.compile("bulwark:\\{" + Pattern.quote(prefix) + "inj:[A-Za-z0-9_-]{22}}");
            Set<String> keys = admin.keys("bulwark:{" + prefix + "inj:*");
            assertEquals(hostile.size(), keys.size(), "one counter per distinct key: " + keys);
            for (String key : keys) {
                assertTrue(safe.matcher(key).matches(), key);
            }
        }
    }

    @Test
    void everyKeyExpiresAfterItsFullRefillTime() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit gcra = limit(engine, calls("gcra", 10, "100s"));
            RateLimiter.Limit window = limit(engine, calls("window", 10, "100s").withAlgorithm(
                    io.bulwark.runtime.ratelimit.Algorithm.SLIDING_WINDOW));
            RateLimiter.Limit login = limit(engine, failures("login", 3, "100s", "1000s", false));
            call(engine, gcra, "k");
            call(engine, gcra, "k");
            call(engine, window, "k");
            Object reservation = call(engine, login, "k");
            engine.settle(reservation, new RuntimeException());
            assertBetween(19_000, 20_000, admin.pttl(RedisKeys.key(gcra.policy(), "k")));
            assertBetween(100_000, 200_000, admin.pttl(RedisKeys.key(window.policy(), "k")));
            assertBetween(99_000, 100_000, admin.pttl(RedisKeys.key(login.policy(), "k")));
            for (int i = 0; i < 2; i++) {
                engine.settle(call(engine, login, "k"), new RuntimeException());
            }
            assertBetween(999_000, 1_000_000, admin.pttl(RedisKeys.key(login.policy(), "k")));
        }
    }

    @Test
    void aReservationNeverSettledExpiresAfterItsTimeToLiveAndCountsAsAFailure() {
        ManualClock clock = new ManualClock();
        try (RedisRateLimiter engine = RedisRateLimiter.withClock(new RedisSettings(server.url(), TIMEOUT, 4),
                new InMemoryRateLimiter(clock, 1_000, false), clock)) {
            RateLimiter.Limit login = limit(engine, failures("login", 2, "5m", "15m", false));
            call(engine, login, "alice");
            call(engine, login, "alice");
            RateLimitedException busy = assertThrows(RateLimitedException.class, () -> call(engine, login, "alice"));
            assertFalse(busy instanceof LockedOutException);
            clock.advance(Duration.ofNanos(RateLimiter.RESERVATION_TTL_MICROS * 1_000));
            // Both expired unsettled: two failures, the limit, so the key is locked.
            assertThrows(LockedOutException.class, () -> call(engine, login, "alice"));
        }
    }

    /** Redis goes away while a login runs: its settle is tried twice, then said at warn, and nothing slips through. */
    @Test
    void aSettleThatFailsIsRetriedAndLoggedAtWarn() {
        try (RedisRateLimiter engine = engine(server.url())) {
            RateLimiter.Limit login = limit(engine, failures("login", 3, "5m", "15m", false));
            Object running = call(engine, login, "alice");
            server.stop();
            engine.settle(running, new RuntimeException("wrong password"));
            String logged = log.toString(StandardCharsets.UTF_8);
            assertTrue(logged.contains("WARN settling a lockout reservation failed twice"), logged);
            assertTrue(logged.contains("then counts as a failure"), logged);
            assertThrows(GuardUnavailableException.class, () -> call(engine, login, "alice"), "fails closed");
        } finally {
            server.start();
        }
    }

    @Test
    void resetClearsALockoutAndTheLocalRefusal() {
        try (RedisRateLimiter engine = engine(server.url()); RedisRateLimiter other = engine(server.url())) {
            RateLimiter.Limit login = limit(engine, failures("login", 2, "5m", "15m", false));
            RateLimiter.Limit sameElsewhere = limit(other, failures("login", 2, "5m", "15m", false));
            for (int i = 0; i < 2; i++) {
                engine.settle(call(engine, login, "5:alice"), new RuntimeException());
            }
            assertThrows(LockedOutException.class, () -> call(engine, login, "5:alice"));
            assertThrows(LockedOutException.class, () -> call(other, sameElsewhere, "5:alice"));
            assertTrue(engine.reset(login.policy().name(), "5:alice"));
            engine.settle(call(engine, login, "5:alice"), null);
            assertFalse(engine.reset(login.policy().name(), "7:nobody"));
        }
    }

    @Test
    void credentialsComeFromTheUrlAndNeverReachTheLog() throws Exception {
        try (RedisServer guarded = RedisServer.startPrivate("--requirepass", "s3cr3t-pw")) {
            URI right = URI.create("redis://:s3cr3t-pw@127.0.0.1:" + guarded.port());
            URI wrong = URI.create("redis://:wr0ng-pw@127.0.0.1:" + guarded.port());
            try (RedisRateLimiter engine = engine(right)) {
                RateLimiter.Limit api = limit(engine, calls("auth", 1, "1m"));
                call(engine, api, "k");
                assertThrows(RateLimitedException.class, () -> call(engine, api, "k"));
            }
            try (RedisRateLimiter engine = engine(wrong)) {
                RateLimiter.Limit api = limit(engine, calls("auth", 1, "1m").withStoreFailure(StoreFailure.CLOSED));
                for (int i = 0; i < 3; i++) {
                    assertThrows(GuardUnavailableException.class, () -> call(engine, api, "k"));
                }
                assertTrue(engine.describe().contains("(with credentials)") && !engine.describe().contains("pw"));
            }
            String logged = log.toString(StandardCharsets.UTF_8);
            assertTrue(logged.contains("is unavailable"), logged);
            assertFalse(logged.contains("s3cr3t") || logged.contains("wr0ng"),
                    "a password reached the log:\n" + logged);
        }
    }

    private static void assertBetween(long low, long high, long actual) {
        assertTrue(actual >= low && actual <= high, actual + " not in [" + low + ", " + high + "]");
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
