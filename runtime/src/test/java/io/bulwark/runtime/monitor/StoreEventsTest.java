package io.bulwark.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.monitoring.AuditShipped;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.monitoring.Store;
import io.bulwark.monitoring.StoreStateChange;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import io.bulwark.runtime.testing.PostgresServer;
import io.bulwark.runtime.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Redis and PostgreSQL, real and private, stopped and started: the transitions and decisions a listener hears. */
class StoreEventsTest {

    private static final List<Parameter> KEYED = List.of(new Parameter("user", "java.lang.String"));

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final String prefix = "ev" + System.nanoTime() + "-";

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        Log.setOutput(System.err);
    }

    private Registration register(GuardRegistry registry, String method, AuditSpec audited, RateLimitSpec... specs) {
        return registry.register(new MethodSpec("com.acme.Api", method, "(Ljava/lang/String;)V", KEYED,
                List.of(specs), List.of(), audited, null), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    private static void call(GuardRegistry registry, Registration r, String user, Throwable thrown) {
        Object token = registry.enter(r.id(), new Object[] {user});
        registry.exit(r.id(), token, null, thrown);
    }

    @Test
    void redisDecisionsAreTimedAndItsOutageAndReturnArePublishedOnceEach() throws Exception {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir));
        AuditPipeline audit = new AuditPipeline(settings.audit());
        try (RedisServer server = RedisServer.startPrivate();
                RedisRateLimiter redis = new RedisRateLimiter(new RedisSettings(server.url(), Duration.ofMillis(200),
                        4), new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false));
                Recorder recorder = new Recorder()) {
            GuardRegistry registry = new GuardRegistry(settings, redis, audit, Clock.systemUTC());
            String quota = prefix + "quota";
            String login = prefix + "login";
            Registration api = register(registry, "api", null,
                    new RateLimitSpec(quota, 2, "1m", "{user}", Count.CALLS, "", List.of(), false, StoreFailure.LOCAL));
            Registration auth = register(registry, "login", null, new RateLimitSpec(login, 3, "1m", "{user}",
                    Count.FAILURES, "15m", List.of(), false, StoreFailure.LOCAL));

            call(registry, api, "u1", null);
            call(registry, api, "u1", null);
            assertThrows(RateLimitedException.class, () -> call(registry, api, "u1", null));
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.DENIED),
                    recorder.decisions.stream().map(RateLimitDecision::outcome).toList());
            for (RateLimitDecision d : recorder.decisions) {
                assertEquals(Store.REDIS, d.store());
                assertTrue(d.storeNanos() > 0, "a check across the network is timed: " + d);
            }
            assertTrue(registry.status().healthy());

            server.stop();
            recorder.decisions.clear();
            assertThrows(GuardUnavailableException.class, () -> call(registry, auth, "u2", null));
            assertThrows(GuardUnavailableException.class, () -> call(registry, auth, "u2", null));
            StoreStateChange down = Recorder.await(recorder.stores, c -> !c.available());
            assertEquals(Store.REDIS, down.store());
            assertTrue(down.reason() != null && !down.reason().isEmpty(), down.toString());
            call(registry, api, "u3", null);
            assertEquals(new RateLimitDecision(login, Outcome.ERROR, Reason.STORE_UNAVAILABLE, Store.REDIS, 0),
                    untimed(recorder.decisions.get(1)), "a lockout fails closed: " + recorder.decisions);
            assertEquals(new RateLimitDecision(quota, Outcome.ALLOWED, Reason.STORE_UNAVAILABLE, Store.MEMORY, 0),
                    recorder.decisions.get(2), "a LOCAL quota counts in memory meanwhile");
            BulwarkStatus status = registry.status();
            assertFalse(status.healthy());
            assertTrue(status.store(Store.REDIS).detail().startsWith("down: "), status.toString());

            server.start();
            // No call is made: the status itself asks Redis again once its back-off has passed (a health check).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!registry.status().healthy() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(registry.status().healthy(), registry.status().toString());
            assertEquals(List.of(false, true), recorder.stores.stream().map(StoreStateChange::available).toList(),
                    "one change each way: " + recorder.stores);
        } finally {
            audit.close();
        }
    }

    private static RateLimitDecision untimed(RateLimitDecision d) {
        return new RateLimitDecision(d.policy(), d.outcome(), d.reason(), d.store(), 0);
    }

    @Test
    void shippedBatchesAddUpAndPostgresGoingAwayAndComingBackIsPublished() throws Exception {
        try (PostgresServer server = PostgresServer.startPrivate(); Recorder recorder = new Recorder()) {
            AuditPipeline audit = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir)
                    .withJdbc(new JdbcSettings(server.jdbcUrl(), null, null, 2)));
            try {
                GuardRegistry registry = new GuardRegistry(Settings.defaults(),
                        new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), audit, Clock.systemUTC());
                Registration r = register(registry, "order",
                        new AuditSpec("order.create", "item", "{user}", "", Capture.NONE));
                for (int i = 0; i < 500; i++) {
                    call(registry, r, "item-" + i, null);
                }
                awaitShipped(recorder, 500);
                BulwarkStatus status = registry.status();
                assertEquals(List.of(Store.MEMORY, Store.JOURNAL, Store.POSTGRESQL), status.stores().stream()
                        .map(BulwarkStatus.StoreStatus::store).toList());
                assertTrue(status.healthy(), status.toString());
                assertEquals(0, status.auditBacklog(), status.toString());

                server.stop();
                for (int i = 0; i < 10; i++) {
                    call(registry, r, "late-" + i, null);
                }
                StoreStateChange down = Recorder.await(recorder.stores, c -> !c.available());
                assertEquals(Store.POSTGRESQL, down.store());
                BulwarkStatus waiting = registry.status();
                assertFalse(waiting.healthy());
                assertEquals(10, waiting.auditBacklog(), waiting.toString());

                server.start();
                Recorder.await(recorder.stores, c -> c.available() && c.store() == Store.POSTGRESQL);
                awaitShipped(recorder, 510);
                assertEquals(0, registry.status().auditBacklog());
            } finally {
                audit.close();
            }
        }
    }

    private static void awaitShipped(Recorder recorder, int events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (shipped(recorder) < events && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(events, shipped(recorder), recorder.shipped.toString());
        AuditShipped last = recorder.shipped.get(recorder.shipped.size() - 1);
        assertEquals(0, last.backlog(), last.toString());
        assertTrue(last.nanos() > 0, last.toString());
    }

    private static int shipped(Recorder recorder) {
        return recorder.shipped.stream().mapToInt(AuditShipped::events).sum();
    }
}
