package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Count;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.ConfigWatch;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import io.bulwark.runtime.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The configuration file watched while the agent runs ({@link ConfigWatch}, {@link GuardRegistry#reconfigure}): a
 * rate-limit key changed applies to every method of its policy; an invalid file changes nothing and says why.
 * {@link ConfigWatch#poll()} is called here directly: when its thread polls is not what these tests are about.
 */
class LimitReloadTest {

    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"));

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final String policy = "reload" + System.nanoTime();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private AuditPipeline audit;
    private Path file;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        audit = new AuditPipeline(AuditSettings.defaults().withDataDir(dir.resolve("data")));
        file = dir.resolve("bulwark.properties");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        audit.close();
        Log.setOutput(System.err);
    }

    private void write(String... lines) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n");
    }

    private String key(String attribute) {
        return "bulwark.ratelimit." + policy + "." + attribute;
    }

    private RateLimiter engine(String engine) {
        InMemoryRateLimiter memory = new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false);
        if (engine.equals("memory")) {
            return memory;
        }
        RedisRateLimiter redis = new RedisRateLimiter(new RedisSettings(RedisServer.shared(), Duration.ofSeconds(2), 4),
                memory);
        closing.add(redis);
        return redis;
    }

    private GuardRegistry registry(String engine) {
        Settings settings = ConfigLoader.load("config=" + file, new Properties(), Map.of());
        return new GuardRegistry(settings, engine(engine), audit, Clock.systemUTC());
    }

    private ConfigWatch watch(GuardRegistry registry) {
        return ConfigWatch.of("config=" + file, new Properties(), Map.of(), registry);
    }

    private Registration register(GuardRegistry registry, String method, Count count, String lockout) {
        return registry.register(new MethodSpec("com.acme.Auth", method, "(Ljava/lang/String;)V", LOGIN,
                List.of(new RateLimitSpec(policy, 2, "1h", "{email}", count, lockout, List.of(), false,
                        StoreFailure.CLOSED)), List.of(), null, null), new ReflectiveTypeModel(),
                getClass().getClassLoader());
    }

    private static void call(GuardRegistry registry, Registration r, String user, Throwable thrown) {
        Object token = registry.enter(r.id(), new Object[] {user});
        registry.exit(r.id(), token, null, thrown);
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void aLimitRaisedInTheFileAppliesToEveryMethodOfThePolicyAndKeepsWhatWasSpent(String engine) throws Exception {
        write(key("limit") + "=2");
        GuardRegistry registry = registry(engine);
        Registration a = register(registry, "a", Count.CALLS, "");
        Registration b = register(registry, "b", Count.CALLS, "");
        ConfigWatch watch = watch(registry);
        call(registry, a, "alice", null);
        call(registry, b, "alice", null);
        assertThrows(RateLimitedException.class, () -> call(registry, b, "alice", null));
        call(registry, a, "bob", null);
        assertFalse(watch.poll(), "nothing changed yet");

        write(key("limit") + "=4");
        assertTrue(watch.poll());
        assertTrue(logged().contains("INFO policy '" + policy + "' is now 4 per 1h (was 2 per 1h)"), logged());
        for (int i = 0; i < 4; i++) {
            call(registry, i % 2 == 0 ? a : b, "carol", null);
        }
        assertEquals(4, assertThrows(RateLimitedException.class, () -> call(registry, a, "carol", null)).limit());
        // GCRA keeps each key's share of its limit: Bob had spent half (1 of 2), so he has half of 4 left.
        call(registry, b, "bob", null);
        call(registry, a, "bob", null);
        assertThrows(RateLimitedException.class, () -> call(registry, b, "bob", null));
        // Alice had spent all of it: refused still, now told the new limit and the new rate (one call per 15 minutes).
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(registry, a, "alice", null));
        assertEquals(4, refused.limit());
        assertTrue(refused.retryAfter().compareTo(Duration.ofMinutes(15)) <= 0, refused.retryAfter().toString());
        // A method registered after the change (its class loaded later) has the new policy too.
        Registration c = register(registry, "c", Count.CALLS, "");
        assertEquals(4, assertThrows(RateLimitedException.class, () -> call(registry, c, "alice", null)).limit());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void anInvalidEditIsRefusedNamingTheKeyAndTheRunningLimitKeepsApplying(String engine) throws Exception {
        write(key("limit") + "=3");
        GuardRegistry registry = registry(engine);
        Registration a = register(registry, "a", Count.CALLS, "");
        ConfigWatch watch = watch(registry);

        write(key("limit") + "=lots", key("window") + "=1m");
        assertTrue(watch.poll());
        assertTrue(logged().contains("ERROR configuration file " + file + " changed but is not valid; nothing of it "
                + "applies, the running values are kept: " + key("limit") + " (file " + file + ") has value 'lots': "
                + "expected a whole number from 1 to 1000000000"), logged());
        assertFalse(watch.poll(), "one error per change, not one per look");
        for (int i = 0; i < 3; i++) {
            call(registry, a, "bob", null);
        }
        RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(registry, a, "bob", null));
        assertEquals(3, refused.limit());
        assertEquals(Duration.ofHours(1), refused.window(), "the window in the same file did not apply either");

        write(key("limit") + "=5");
        assertTrue(watch.poll());
        for (int i = 0; i < 5; i++) {
            call(registry, a, "bert", null);
        }
        assertEquals(5, assertThrows(RateLimitedException.class, () -> call(registry, a, "bert", null)).limit(),
                "fixed, it applies");
    }

    @Test
    void aChangeThePolicyCannotTakeIsRefusedWholeNamingTheKey() throws Exception {
        write(key("limit") + "=3");
        GuardRegistry registry = registry("memory");
        Registration login = register(registry, "login", Count.FAILURES, "15m");
        ConfigWatch watch = watch(registry);

        write(key("limit") + "=10", key("algorithm") + "=sliding-window");
        assertTrue(watch.poll());
        assertTrue(logged().contains("changed but its rate limits are not valid; nothing of it applies, the running "
                + "values are kept: policy '" + policy + "': the algorithm (" + key("algorithm") + " (file " + file
                + "), " + key("limit") + " (file " + file + ")) applies to count = CALLS only"), logged());
        for (int i = 0; i < 3; i++) {
            call(registry, login, "carol", new SecurityException());
        }
        LockedOutException locked = assertThrows(LockedOutException.class, () -> call(registry, login, "carol", null));
        assertEquals(3, locked.limit());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void aLockoutLimitLoweredBelowTheFailuresAlreadyCountedLocksAtTheNextFailure(String engine) throws Exception {
        write(key("limit") + "=5");
        GuardRegistry registry = registry(engine);
        Registration login = register(registry, "login", Count.FAILURES, "15m");
        ConfigWatch watch = watch(registry);
        for (int i = 0; i < 4; i++) {
            call(registry, login, "dave", new SecurityException());
        }
        write(key("limit") + "=2");
        assertTrue(watch.poll());
        RateLimitedException refused = assertThrows(RateLimitedException.class,
                () -> call(registry, login, "dave", null), "four failures are over the new limit of two");
        assertEquals(2, refused.limit());
        // A key still under the new limit: locked at its second failure.
        call(registry, login, "erin", new SecurityException());
        call(registry, login, "erin", new SecurityException());
        assertThrows(LockedOutException.class, () -> call(registry, login, "erin", null));
    }

    @Test
    void aLockoutInForceStaysWhenOnlyTheNumbersChange() throws Exception {
        write(key("lockout") + "=15m");
        GuardRegistry registry = registry("memory");
        Registration login = register(registry, "login", Count.FAILURES, "15m");
        ConfigWatch watch = watch(registry);
        call(registry, login, "frank", new SecurityException());
        call(registry, login, "frank", new SecurityException());
        assertThrows(LockedOutException.class, () -> call(registry, login, "frank", null));
        write(key("lockout") + "=30m", key("limit") + "=10");
        assertTrue(watch.poll());
        assertThrows(LockedOutException.class, () -> call(registry, login, "frank", null),
                "changing a limit unlocks nobody");
    }

    @Test
    void otherKeysChangedSayTheyNeedARestartWithoutShowingTheirValues() throws Exception {
        write(key("limit") + "=2", "bulwark.ratelimit.max-keys=5000", "bulwark.audit.hash-key="
                + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldC0xMjM0NQ==");
        GuardRegistry registry = registry("memory");
        Registration a = register(registry, "a", Count.CALLS, "");
        ConfigWatch watch = watch(registry);
        write(key("limit") + "=3", "bulwark.ratelimit.max-keys=6000", "bulwark.audit.hash-key="
                + "b3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXItb3RoZXItMTIzNDU=");
        assertTrue(watch.poll());
        assertTrue(logged().contains("WARN configuration file " + file + " changed bulwark.audit.hash-key, "
                + "bulwark.ratelimit.max-keys: they take effect at the next restart (the running values are kept;"),
                logged());
        assertFalse(logged().contains("b3RoZXI"), "no value is shown: " + logged());
        for (int i = 0; i < 3; i++) {
            call(registry, a, "grace", null);
        }
        assertThrows(RateLimitedException.class, () -> call(registry, a, "grace", null));
    }

    @Test
    void aKeyASystemPropertySetsStaysAsTheSystemPropertySaysAndTheLogSaysWhy() throws Exception {
        write(key("limit") + "=2");
        Properties system = new Properties();
        system.setProperty(key("limit"), "3");
        GuardRegistry registry = new GuardRegistry(ConfigLoader.load("config=" + file, system, Map.of()),
                engine("memory"), audit, Clock.systemUTC());
        Registration a = register(registry, "a", Count.CALLS, "");
        ConfigWatch watch = ConfigWatch.of("config=" + file, system, Map.of(), registry);
        write(key("limit") + "=10");
        assertTrue(watch.poll());
        assertTrue(logged().contains("WARN configuration file " + file + " changed " + key("limit") + " (system "
                + "property " + key("limit") + " wins): the file's value does not apply while a later source sets "
                + "the key"), logged());
        for (int i = 0; i < 3; i++) {
            call(registry, a, "ivan", null);
        }
        assertEquals(3, assertThrows(RateLimitedException.class, () -> call(registry, a, "ivan", null)).limit());
    }

    /**
     * Calls racing changes of numbers, algorithm and mode: every call is admitted or refused with a rate-limit
     * refusal (nothing else escapes, nothing deadlocks), and once the changes stop the policy counts exactly by the
     * last one.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void callsRacingChangesOnlyEverSeeOnePolicyOrTheOther(String engine) throws Exception {
        write(key("limit") + "=5");
        GuardRegistry registry = registry(engine);
        Registration a = register(registry, "a", Count.CALLS, "");
        Registration login = registry.register(new MethodSpec("com.acme.Auth", "login", "(Ljava/lang/String;)V", LOGIN,
                List.of(new RateLimitSpec(policy + "-login", 3, "1h", "{email}", Count.FAILURES, "1h", List.of(), false,
                        StoreFailure.CLOSED)), List.of(), null, null), new ReflectiveTypeModel(),
                getClass().getClassLoader());
        ConfigWatch watch = watch(registry);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Queue<Throwable> unexpected = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    String user = "racer-" + id + "-" + (i++ % 16);
                    try {
                        call(registry, i % 2 == 0 ? a : login, user, i % 3 == 0 ? new SecurityException() : null);
                        calls.incrementAndGet();
                    } catch (RateLimitedException expected) {
                        calls.incrementAndGet();
                    } catch (Throwable other) {
                        unexpected.add(other);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        String[] versions = {
            key("limit") + "=7\n" + key("algorithm") + "=sliding-window",
            key("limit") + "=3\n" + key("mode") + "=shadow\nbulwark.ratelimit." + policy + "-login.mode=shadow",
            key("limit") + "=9\n" + key("window") + "=30m\nbulwark.ratelimit." + policy + "-login.limit=2",
            key("limit") + "=4",
        };
        for (int round = 0; round < 40; round++) {
            write(versions[round % versions.length]);
            assertTrue(watch.poll());
            Thread.sleep(2);
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(20_000);
            assertFalse(thread.isAlive(), "a caller is stuck");
        }
        assertEquals(List.of(), List.copyOf(unexpected));
        assertTrue(calls.get() > 0);
        for (int i = 0; i < 4; i++) {
            call(registry, a, "judy", null);
        }
        assertEquals(4, assertThrows(RateLimitedException.class, () -> call(registry, a, "judy", null)).limit(),
                "the last version: limit 4, GCRA, enforced");
    }

    @Test
    void aPolicySwitchedFromShadowToEnforceInTheFileRefusesFromThen() throws Exception {
        write(key("mode") + "=shadow");
        GuardRegistry registry = registry("memory");
        Registration a = register(registry, "a", Count.CALLS, "");
        ConfigWatch watch = watch(registry);
        for (int i = 0; i < 4; i++) {
            call(registry, a, "heidi", null);
        }
        write(key("mode") + "=enforce");
        assertTrue(watch.poll());
        call(registry, a, "heidi", null);
        call(registry, a, "heidi", null);
        assertThrows(RateLimitedException.class, () -> call(registry, a, "heidi", null));
    }
}
