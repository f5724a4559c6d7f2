package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.ConfigLoader;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.monitor.Recorder;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.Mode;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import io.bulwark.runtime.testing.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shadow mode ({@code bulwark.ratelimit.mode}, {@code bulwark.ratelimit.<name>.mode}) through the guards, on both
 * engines: it admits what enforce mode refuses, reports it, and leaves nothing behind that enforce mode would count.
 */
class ShadowModeTest {

    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"));
    private static final String EMAIL = "alice@example.com";

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    /** Unique per run: the shared Redis keeps state between runs. */
    private final String prefix = "shadow" + System.nanoTime() + "-";
    private final List<AutoCloseable> closing = new ArrayList<>();
    private AuditPipeline audit;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        audit = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        audit.close();
        Log.setOutput(System.err);
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

    private GuardRegistry registry(String engine, Settings settings) {
        return registry(engine(engine), settings);
    }

    private GuardRegistry registry(RateLimiter engine, Settings settings) {
        return new GuardRegistry(settings.withAudit(AuditSettings.defaults().withDataDir(dataDir)), engine, audit,
                Clock.systemUTC());
    }

    private static Settings shadow() {
        return Settings.defaults().withRateLimitMode(Mode.SHADOW);
    }

    private Registration register(GuardRegistry registry, String method, AuditSpec audited, RateLimitSpec... specs) {
        return registry.register(new MethodSpec("com.acme.Auth", method, "(Ljava/lang/String;)V", LOGIN,
                List.of(specs), List.of(), audited, null), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    private RateLimitSpec quota(String name, int limit, String key) {
        return new RateLimitSpec(prefix + name, limit, "1h", key, Count.CALLS, "", List.of(), false,
                StoreFailure.CLOSED);
    }

    private RateLimitSpec lockout(String name, int limit) {
        return new RateLimitSpec(prefix + name, limit, "1h", "{email}", Count.FAILURES, "1h", List.of(), false,
                StoreFailure.CLOSED);
    }

    private static void call(GuardRegistry registry, Registration r, Throwable thrown) {
        Object token = registry.enter(r.id(), new Object[] {EMAIL});
        registry.exit(r.id(), token, null, thrown);
    }

    private List<RateLimitDecision> of(Recorder recorder, String policy) {
        return recorder.decisions.stream().filter(d -> d.policy().equals(prefix + policy)).toList();
    }

    private String logged() {
        return log.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void shadowModeAdmitsWhatEnforceModeRefusesAndReportsEachAsShadowDenied(String engine) {
        GuardRegistry enforcing = registry(engine, Settings.defaults());
        Registration enforced = register(enforcing, "enforced", null, quota("enforced", 2, "{email}"));
        call(enforcing, enforced, null);
        call(enforcing, enforced, null);
        assertThrows(RateLimitedException.class, () -> call(enforcing, enforced, null));

        GuardRegistry shadowing = registry(engine, shadow());
        Registration shadowed = register(shadowing, "shadowed", null, quota("shadowed", 2, "{email}"));
        assertTrue(logged().contains("WARN policy '" + prefix + "shadowed' is 2 per 1h, in shadow mode (refuses "
                + "nothing) by configuration (bulwark.ratelimit.mode)"), logged());
        try (Recorder recorder = new Recorder()) {
            for (int i = 0; i < 5; i++) {
                call(shadowing, shadowed, null);
            }
            List<Outcome> outcomes = of(recorder, "shadowed").stream().map(RateLimitDecision::outcome).toList();
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.SHADOW_DENIED, Outcome.SHADOW_DENIED,
                    Outcome.SHADOW_DENIED), outcomes, "counted as usual: the same two admitted as when enforced");
            assertTrue(of(recorder, "shadowed").stream().skip(2)
                    .allMatch(d -> d.reason() == Reason.LIMIT_EXCEEDED), recorder.decisions.toString());
        }
        String shadowLine = "policy '" + prefix + "shadowed' is in shadow mode: it would have refused 1 call "
                + "(latest: limit_exceeded)";
        assertTrue(logged().contains(shadowLine), logged());
        assertEquals(1, logged().split("is in shadow mode: it would have refused", -1).length - 1,
                "three calls it would have refused, one log line (the next at most every 10 s)");
        assertFalse(logged().contains(EMAIL), "no key in the log");
    }

    /**
     * What a shadowed lockout does: it counts failures and reports the lockout it would impose, but it never locks,
     * and nothing of its state (failures, a would-be lock, reservations in flight) is counted once the policy
     * enforces, whether it is switched while the agent runs or on a restart.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void aShadowedLockoutNeverLocksAndLeavesNothingThatCountsOnceEnforced(String engine) {
        RateLimiter limiter = engine(engine);
        GuardRegistry registry = registry(limiter, shadow());
        Registration login = register(registry, "login", null, lockout("login", 2));
        Object bobInFlight = registry.enter(login.id(), new Object[] {"bob@example.com"});
        try (Recorder recorder = new Recorder()) {
            call(registry, login, new SecurityException());
            call(registry, login, new SecurityException());
            call(registry, login, new SecurityException());
            call(registry, login, null);
            List<RateLimitDecision> decisions = of(recorder, "login");
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.SHADOW_DENIED, Outcome.SHADOW_DENIED),
                    decisions.stream().map(RateLimitDecision::outcome).toList(), decisions.toString());
            assertEquals(Reason.LOCKED_OUT, decisions.get(2).reason(), "two failures would have locked the key");
        }

        Settings enforce = Settings.defaults();
        assertEquals(List.of(), registry.reconfigure(enforce));
        assertTrue(logged().contains("policy '" + prefix + "login' is now 2 failures per 1h, then locked 1h (was 2 "
                + "failures per 1h, then locked 1h, in shadow mode (refuses nothing)); it counts afresh"), logged());
        call(registry, login, null);
        call(registry, login, null);
        // Bob's attempt admitted in shadow mode fails now: it must not count among enforce mode's failures.
        registry.exit(login.id(), bobInFlight, null, new SecurityException());
        Object[] bob = {"bob@example.com"};
        registry.exit(login.id(), registry.enter(login.id(), bob), null, new SecurityException());
        registry.exit(login.id(), registry.enter(login.id(), bob), null, null);

        // A restart in enforce mode on the same store meets none of shadow mode's state either.
        GuardRegistry restarted = registry(engine, enforce);
        Registration again = register(restarted, "login", null, lockout("login", 2));
        call(restarted, again, null);
        call(restarted, again, new SecurityException());
        call(restarted, again, new SecurityException());
        assertThrows(LockedOutException.class, () -> call(restarted, again, null),
                "and it does lock once enforced: two failures of its own");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "redis"})
    void aPolicyInShadowModeBesideAnEnforcedOneStepsAsideAndTheOtherStillDecides(String engine) {
        Properties p = new Properties();
        p.setProperty("bulwark.ratelimit." + prefix + "per-ip.mode", "shadow");
        GuardRegistry registry = registry(engine, ConfigLoader.load(null, p, Map.of()));
        Registration r = register(registry, "login", null, quota("per-ip", 1, ""), quota("per-user", 3, "{email}"));
        try (Recorder recorder = new Recorder()) {
            call(registry, r, null);
            call(registry, r, null);
            call(registry, r, null);
            RateLimitedException refused = assertThrows(RateLimitedException.class, () -> call(registry, r, null));
            assertEquals(prefix + "per-user", refused.policy(), "the enforced policy refuses once its limit is spent");
            assertEquals(List.of(Outcome.ALLOWED, Outcome.SHADOW_DENIED, Outcome.SHADOW_DENIED, Outcome.SHADOW_DENIED),
                    of(recorder, "per-ip").stream().map(RateLimitDecision::outcome).toList());
            assertEquals(List.of(Outcome.ALLOWED, Outcome.ALLOWED, Outcome.ALLOWED, Outcome.DENIED),
                    of(recorder, "per-user").stream().map(RateLimitDecision::outcome).toList());
        }
    }

    @Test
    void anAuditedCallAdmittedInShadowModeSaysSoInItsEvent() throws Exception {
        GuardRegistry registry = registry("memory", shadow());
        Registration r = register(registry, "login", new AuditSpec("user.login", "user", "{email}", "", Capture.NONE),
                quota("audited", 1, "{email}"));
        call(registry, r, null);
        call(registry, r, null);
        List<AuditEvent> events = awaitEvents(2);
        assertEquals(1, events.stream().filter(e -> e.changes() == null || !e.changes().contains("shadow")).count(),
                events.toString());
        AuditEvent noted = events.stream().filter(e -> e.changes() != null && e.changes().contains("shadow"))
                .findFirst().orElseThrow();
        assertEquals("{\"shadow_denied\":{\"policy\":\"" + prefix + "audited\",\"reason\":\"limit_exceeded\"}}",
                noted.changes());
        assertEquals("success", noted.status().text(), "the call ran");
    }

    @Test
    void noKeySwitchesAStepUpOffNotEvenShadowModeForEveryPolicy() {
        Properties p = new Properties();
        p.setProperty("bulwark.ratelimit.mode", "shadow");
        p.setProperty("bulwark.ratelimit.transfers.mode", "shadow");
        GuardRegistry registry = registry("memory", ConfigLoader.load(null, p, Map.of()));
        Registration r = registry.register(new MethodSpec("com.acme.Bank", "transfer", "(Ljava/lang/String;)V", LOGIN,
                List.of(new RateLimitSpec("transfers", 1, "1h", "{email}", Count.CALLS, "", List.of(), false,
                        StoreFailure.CLOSED)), List.of(), null, new TwoFactorSpec("5m")), new ReflectiveTypeModel(),
                getClass().getClassLoader());
        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
            for (int i = 0; i < 3; i++) {
                TwoFactorRequiredException e = assertThrows(TwoFactorRequiredException.class,
                        () -> call(registry, r, null));
                assertEquals(TwoFactorRequiredException.Reason.NOT_ENROLLED, e.reason());
            }
        }
    }

    private List<AuditEvent> awaitEvents(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<AuditEvent> events = AuditQuery.fromJournal(audit.auditDir(),
                    new AuditQuery.Filter(null, null, null, 1_000));
            if (events.size() >= count || System.nanoTime() > deadline) {
                assertEquals(count, events.size());
                return events;
            }
            Thread.sleep(20);
        }
    }
}
