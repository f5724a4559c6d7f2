package io.bulwark.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.internal.Dispatch;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import io.bulwark.runtime.testing.RedisServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real decisions of the runtime (no agent: the registry is installed as the agent would) moving real meters. */
class BulwarkMetricsTest {

    private static final List<Parameter> USER = List.of(new Parameter("user", "java.lang.String"));

    @TempDir
    static Path dataDir;

    private static AuditPipeline audit;
    private static GuardRegistry registry;

    @BeforeAll
    static void install() {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir));
        audit = new AuditPipeline(settings.audit());
        registry = registry(settings, new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false));
        assertTrue(Dispatch.install(registry), "this test JVM's runtime");
    }

    @AfterAll
    static void close() {
        audit.close();
    }

    private static GuardRegistry registry(Settings settings, RateLimiter limiter) {
        return new GuardRegistry(settings, limiter, audit, Clock.systemUTC());
    }

    private static Registration register(GuardRegistry r, String method, AuditSpec audited, RateLimitSpec spec) {
        return r.register(new MethodSpec("com.acme.Api", method, "(Ljava/lang/String;)V", USER,
                spec == null ? List.of() : List.of(spec), List.of(), audited, null), new ReflectiveTypeModel(),
                BulwarkMetricsTest.class.getClassLoader());
    }

    private static void call(GuardRegistry r, Registration g, String user) {
        r.exit(g.id(), r.enter(g.id(), new Object[] {user}), null, null);
    }

    private static RateLimitSpec quota(String name, int limit) {
        return new RateLimitSpec(name, limit, "1m", "{user}", Count.CALLS, "", List.of(), false, StoreFailure.LOCAL);
    }

    @Test
    void decisionsAndAuditEventsCountUnderTheDocumentedNamesAndTagsWithoutAnyKey() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (BulwarkMetrics metrics = new BulwarkMetrics()) {
            metrics.bindTo(meters);
            Registration api = register(registry, "api", new AuditSpec("item.read", "item", "{user}", "",
                    Capture.NONE), quota("metrics-api", 2));
            call(registry, api, "user-secret-7");
            call(registry, api, "user-secret-7");
            assertThrows(RateLimitedException.class, () -> call(registry, api, "user-secret-7"));

            assertEquals(2.0, meters.get("bulwark.ratelimit.decisions").tags("policy", "metrics-api", "outcome",
                    "allowed", "reason", "within_limit").functionCounter().count());
            assertEquals(1.0, meters.get("bulwark.ratelimit.decisions").tags("policy", "metrics-api", "outcome",
                    "denied", "reason", "limit_exceeded").functionCounter().count());
            assertEquals(2.0, meters.get("bulwark.audit.events").tag("status", "success").counter().count());
            assertEquals(1.0, meters.get("bulwark.audit.events").tag("status", "denied").counter().count());
            assertTrue(meters.find("bulwark.ratelimit.check").timers().isEmpty(), "checks in memory are not timed");
            assertEquals(1.0, meters.get("bulwark.store.available").tag("store", "memory").gauge().value());
            assertEquals(1.0, meters.get("bulwark.store.available").tag("store", "journal").gauge().value());
            assertTrue(meters.get("bulwark.audit.backlog").gauge().value() >= 0);
            for (Meter meter : meters.getMeters()) {
                for (Tag tag : meter.getId().getTags()) {
                    assertFalse(tag.getValue().contains("secret"), meter.getId().toString());
                }
            }
        }
    }

    @Test
    void aClosedBindingCountsNoMore() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        BulwarkMetrics metrics = new BulwarkMetrics();
        metrics.bindTo(meters);
        Registration api = register(registry, "closed", null, quota("metrics-closed", 100));
        call(registry, api, "u");
        metrics.close();
        call(registry, api, "u");
        assertEquals(1.0, meters.get("bulwark.ratelimit.decisions").tags("policy", "metrics-closed").functionCounter()
                .count());
    }

    @Test
    void checksOnRedisAreTimedPerPolicyAndStore() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        String policy = "metrics-redis-" + System.nanoTime();
        try (RedisServer server = RedisServer.startPrivate();
                RedisRateLimiter redis = new RedisRateLimiter(new RedisSettings(server.url(), Duration.ofSeconds(1), 2),
                        new InMemoryRateLimiter(MicroClock.monotonic(), 100, false));
                BulwarkMetrics metrics = new BulwarkMetrics()) {
            metrics.bindTo(meters);
            GuardRegistry onRedis = registry(Settings.defaults(), redis);
            Registration api = register(onRedis, "api", null, quota(policy, 5));
            for (int i = 0; i < 3; i++) {
                call(onRedis, api, "u");
            }
            var timer = meters.get("bulwark.ratelimit.check").tags("policy", policy, "store", "redis").timer();
            assertEquals(3, timer.count());
            assertTrue(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
        }
    }
}
