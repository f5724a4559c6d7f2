package io.bulwark.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.monitoring.AuditRecorded;
import io.bulwark.monitoring.BulwarkListener;
import io.bulwark.monitoring.BulwarkStatus;
import io.bulwark.monitoring.RateLimitCounts;
import io.bulwark.monitoring.RateLimitDecision;
import io.bulwark.monitoring.RateLimitDecision.Outcome;
import io.bulwark.monitoring.RateLimitDecision.Reason;
import io.bulwark.monitoring.Store;
import io.bulwark.monitoring.Subscription;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.RateLimitSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.ManualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a listener hears from guarded calls counted in memory, as the guards decide them. */
class RateLimitEventsTest {

    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"));
    private static final String EMAIL = "alice@example.com";

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AuditPipeline audit;
    private GuardRegistry registry;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir));
        audit = new AuditPipeline(settings.audit());
        registry = new GuardRegistry(settings, new InMemoryRateLimiter(new ManualClock(), 1_000, false), audit,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        audit.close();
        Log.setOutput(System.err);
    }

    private Registration register(String method, AuditSpec audited, RateLimitSpec... specs) {
        return registry.register(new MethodSpec("com.acme.Auth", method, "(Ljava/lang/String;)V", LOGIN,
                List.of(specs), List.of(), audited, null), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    private void call(Registration r, Throwable thrown) {
        Object token = registry.enter(r.id(), new Object[] {EMAIL});
        registry.exit(r.id(), token, null, thrown);
    }

    private static RateLimitSpec spec(String name, int limit, Count count, String lockout, String key) {
        return new RateLimitSpec(name, limit, "1m", key, count, lockout, List.of(), false, StoreFailure.LOCAL);
    }

    @Test
    void eachAdmissionAndTheRefusalArePublishedWithPolicyOutcomeAndReasonButNoKey() {
        Registration r = register("api", null, spec("events-quota", 2, Count.CALLS, "", "{email}"));
        try (Recorder recorder = new Recorder()) {
            call(r, null);
            call(r, null);
            assertThrows(RateLimitedException.class, () -> call(r, null));
            assertEquals(List.of(
                    new RateLimitDecision("events-quota", Outcome.ALLOWED, Reason.WITHIN_LIMIT, Store.MEMORY, 0),
                    new RateLimitDecision("events-quota", Outcome.ALLOWED, Reason.WITHIN_LIMIT, Store.MEMORY, 0),
                    new RateLimitDecision("events-quota", Outcome.DENIED, Reason.LIMIT_EXCEEDED, Store.MEMORY, 0)),
                    recorder.decisions);
            assertFalse(recorder.decisions.toString().contains("alice"), "no key value in any event");
        }
    }

    @Test
    void aLockoutIsDeniedAsLockedOutAndSeveralPoliciesEachGiveTheirDecision() {
        Registration r = register("login", null, spec("events-login", 2, Count.FAILURES, "15m", "{email}"),
                spec("events-login-all", 100, Count.CALLS, "", ""));
        try (Recorder recorder = new Recorder()) {
            call(r, new SecurityException());
            call(r, new SecurityException());
            assertThrows(LockedOutException.class, () -> call(r, null));
            assertEquals(5, recorder.decisions.size(), recorder.decisions.toString());
            assertEquals(List.of("events-login", "events-login-all", "events-login", "events-login-all"),
                    recorder.decisions.subList(0, 4).stream().map(RateLimitDecision::policy).toList());
            assertEquals(new RateLimitDecision("events-login", Outcome.DENIED, Reason.LOCKED_OUT, Store.MEMORY, 0),
                    recorder.decisions.get(4), "only the refusing policy answers for a refused call");
        }
    }

    @Test
    void aListenerThatNeedsNoAdmissionHearsTheFirstAndTheRefusalsWhileBulwarkCountsEveryAdmission() {
        Registration r = register("api", null, spec("events-counted", 5, Count.CALLS, "", "{email}"));
        Registration other = register("other", null, spec("events-every", 100, Count.CALLS, "", ""));
        List<RateLimitDecision> heard = new CopyOnWriteArrayList<>();
        BulwarkListener counted = new BulwarkListener() {
            @Override
            public void onRateLimit(RateLimitDecision decision) {
                heard.add(decision);
            }

            @Override
            public boolean wantsEveryAdmission() {
                return false;
            }
        };
        RateLimitDecision allowed = new RateLimitDecision("events-counted", Outcome.ALLOWED, Reason.WITHIN_LIMIT,
                Store.MEMORY, 0);
        try (Subscription s = Bulwark.listen(counted)) {
            for (int i = 0; i < 5; i++) {
                call(r, null);
            }
            assertThrows(RateLimitedException.class, () -> call(r, null));
            assertEquals(List.of(allowed, new RateLimitDecision("events-counted", Outcome.DENIED,
                    Reason.LIMIT_EXCEEDED, Store.MEMORY, 0)), heard, "the first admission names the policy");
            assertEquals(new RateLimitCounts("events-counted", 5, 0), registry.rateLimitCounts("events-counted"));

            heard.clear();
            try (Recorder every = new Recorder()) {
                call(other, null);
                call(other, null);
                assertEquals(2, every.decisions.size(), "a listener that wants every admission gets each");
                assertEquals(2, heard.size(), "and so, meanwhile, does the other");
            }
            heard.clear();
            for (int i = 0; i < 3; i++) {
                call(other, null);
            }
            assertEquals(1, heard.size(), "once it is alone again: the first, then counts only");
        }
        assertEquals(new RateLimitCounts("events-every", 5, 0), registry.rateLimitCounts("events-every"));
        assertEquals(List.of("events-counted", "events-every"), registry.rateLimitCounts().stream()
                .map(RateLimitCounts::policy).toList(), "every policy registered, sorted by name");
        assertEquals(null, registry.rateLimitCounts("events-unknown"));
    }

    @Test
    void aClosedSubscriptionHearsNothingMore() {
        Registration r = register("api", null, spec("events-closed", 100, Count.CALLS, "", ""));
        Recorder recorder = new Recorder();
        call(r, null);
        recorder.close();
        recorder.close();
        call(r, null);
        assertEquals(1, recorder.decisions.size());
    }

    @Test
    void aListenerThatThrowsChangesNoDecisionAndIsLoggedOnceByClass() {
        Registration r = register("api", null, spec("events-throwing", 1, Count.CALLS, "", "{email}"));
        BulwarkListener broken = new BulwarkListener() {
            @Override
            public void onRateLimit(RateLimitDecision decision) {
                throw new IllegalStateException("listener secret " + EMAIL);
            }
        };
        try (Subscription s = Bulwark.listen(broken); Recorder recorder = new Recorder()) {
            call(r, null);
            assertThrows(RateLimitedException.class, () -> call(r, null), "still refused");
            assertEquals(2, recorder.decisions.size(), "the other listener still hears everything");
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("a Bulwark listener (" + broken.getClass().getName() + ") threw "
                + "java.lang.IllegalStateException; the decision stands"), logged);
        assertFalse(logged.contains(EMAIL), "the listener's message is not logged");
    }

    @Test
    void auditedCallsArePublishedWithTheirStatus() {
        AuditSpec audited = new AuditSpec("user.login", "user", "{email}", "", Capture.NONE);
        Registration r = register("login", audited, spec("events-audited", 1, Count.CALLS, "", "{email}"));
        try (Recorder recorder = new Recorder()) {
            call(r, null);
            assertThrows(RateLimitedException.class, () -> call(r, null));
            Registration failing = register("other", audited);
            call(failing, new IllegalArgumentException());
            assertEquals(List.of(new AuditRecorded("user.login", AuditRecorded.Status.SUCCESS),
                    new AuditRecorded("user.login", AuditRecorded.Status.DENIED),
                    new AuditRecorded("user.login", AuditRecorded.Status.FAILURE)), recorder.recorded);
        }
    }

    @Test
    void theStatusNamesTheStoresInUseAndTheBacklog() {
        BulwarkStatus before = registry.status();
        assertTrue(before.agentActive());
        assertEquals(List.of(Store.MEMORY, Store.JOURNAL), before.stores().stream()
                .map(BulwarkStatus.StoreStatus::store).toList());
        assertEquals("not in use yet", before.store(Store.JOURNAL).detail());
        Registration r = register("login", new AuditSpec("user.login", "user", "{email}", "", Capture.NONE));
        call(r, null);
        BulwarkStatus after = registry.status();
        assertTrue(after.healthy(), after.toString());
        assertNotNull(after.store(Store.JOURNAL));
        assertTrue(after.journalUsableBytes() > 0, after.toString());
        assertTrue(after.auditBacklog() >= 0 && after.auditBacklog() <= 1, after.toString());
    }

    @Test
    void aFullAuditHandOffMakesTheJournalUnavailable() {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir)
                .withQueueCapacity(1));
        AuditPipeline tiny = new AuditPipeline(settings.audit());
        try {
            GuardRegistry small = new GuardRegistry(settings, new InMemoryRateLimiter(new ManualClock(), 10, false),
                    tiny, Clock.systemUTC());
            Registration r = small.register(new MethodSpec("com.acme.Auth", "login", "(Ljava/lang/String;)V", LOGIN,
                    List.of(), List.of(), new AuditSpec("user.login", "user", "{email}", "", Capture.NONE), null),
                    new ReflectiveTypeModel(), getClass().getClassLoader());
            assertTrue(tiny.reserve());
            BulwarkStatus full = small.status();
            assertFalse(full.healthy());
            assertTrue(full.store(Store.JOURNAL).detail().contains("bulwark.audit.queue"), full.toString());
            assertThrows(GuardUnavailableException.class, () -> small.enter(r.id(), new Object[] {EMAIL}),
                    "and audited calls are refused meanwhile");
        } finally {
            tiny.close();
        }
    }
}
