package io.bulwark.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.Redact;
import io.bulwark.StoreFailure;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.audit.verify.AuditVerifier;
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
import io.bulwark.runtime.ratelimit.MicroClock;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods of refusals (issue 14): hammering a locked endpoint must not grow the journal without bound. Of one key's
 * refusals by one policy in one minute, the first few are recorded one by one and the rest counted into one event.
 */
class RefusalSummariesTest {

    private static final Instant MINUTE = Instant.parse("2026-11-22T12:00:00Z");
    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String", Redact.Mode.MASK));

    /** The time the audit records, moved by the test. */
    private static final class MovableClock extends Clock {
        volatile Instant now = MINUTE.plusSeconds(5);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dataDir;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final MovableClock clock = new MovableClock();
    private AuditPipeline pipeline;
    private GuardRegistry registry;
    private Registration login;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
        registry = new GuardRegistry(Settings.defaults(), new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false),
                pipeline, clock);
        RateLimitSpec spec = new RateLimitSpec("login", 2, "1h", "{email}", Count.FAILURES, "1h", List.of(), false,
                StoreFailure.CLOSED);
        AuditSpec audit = new AuditSpec("user.login", "user", "{email}", "", Capture.ARGS);
        login = registry.register(new MethodSpec("com.acme.Auth", "login", "(Ljava/lang/String;Ljava/lang/String;)V",
                LOGIN, List.of(spec), List.of(), audit), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
        Log.setOutput(System.err);
    }

    private void failedLogin(String email) {
        Object token = registry.enter(login.id(), new Object[] {email, "guess"});
        registry.exit(login.id(), token, null, new IllegalArgumentException("wrong password"));
    }

    private void hammer(String email, int times) {
        for (int i = 0; i < times; i++) {
            assertThrows(LockedOutException.class, () -> registry.enter(login.id(), new Object[] {email, "guess"}));
        }
    }

    private List<AuditEvent> journal() throws IOException {
        return AuditQuery.fromJournal(pipeline.auditDir(), new AuditQuery.Filter(null, null, null, 1_000_000));
    }

    private static List<AuditEvent> denied(List<AuditEvent> events, String email) {
        return events.stream().filter(e -> e.status() == Status.DENIED && email.equals(e.resourceId())).toList();
    }

    @Test
    void aFloodOfOneKeyIsTheFirstFewEventsAndOneThatCountsTheRest() throws Exception {
        failedLogin("ann@example.com");
        failedLogin("ann@example.com");
        hammer("ann@example.com", 10_000);
        failedLogin("bob@example.com");
        failedLogin("bob@example.com");
        hammer("bob@example.com", RefusalSummaries.FIRST_FEW + 2);
        pipeline.close();

        List<AuditEvent> events = journal();
        List<AuditEvent> ann = denied(events, "ann@example.com");
        assertEquals(RefusalSummaries.FIRST_FEW + 1, ann.size(), ann.toString());
        for (AuditEvent e : ann.subList(0, RefusalSummaries.FIRST_FEW)) {
            assertTrue(e.errorMessage().startsWith("LockedOutException: "), e.errorMessage());
            assertEquals("{\"args\":{\"email\":\"ann@example.com\",\"password\":\"[redacted]\"}}", e.changes());
        }
        AuditEvent summary = ann.get(RefusalSummaries.FIRST_FEW);
        long counted = 10_000 - RefusalSummaries.FIRST_FEW;
        assertTrue(summary.changes().matches("\\{\"summary\":\\{\"key\":\"hmac:[A-Za-z0-9_-]{22}\",\"minute\":"
                + "\"2026-11-22T12:00:00Z\",\"policy\":\"login\",\"refused\":" + counted + "}}"), summary.changes());
        assertTrue(summary.errorMessage().startsWith("LockedOutException: "), summary.errorMessage());
        assertTrue(summary.errorMessage().contains(counted + " counted in this one event"), summary.errorMessage());
        assertEquals("user.login", summary.action());
        assertTrue(!summary.changes().contains("ann@example.com"), "the key is kept as its keyed hash");

        List<AuditEvent> bob = denied(events, "bob@example.com");
        assertEquals(RefusalSummaries.FIRST_FEW + 1, bob.size(), bob.toString());
        assertTrue(bob.get(RefusalSummaries.FIRST_FEW).changes().contains("\"refused\":2}"), bob.toString());
        // Two keys' summaries carry different hashes; the same key's, the same one (checked by the next test).
        assertTrue(!bob.get(RefusalSummaries.FIRST_FEW).changes().equals(summary.changes()));
        assertEquals(4 + 2 * (RefusalSummaries.FIRST_FEW + 1), events.size(), events.toString());
        assertTrue(AuditVerifier.verifyJournal(pipeline.auditDir()).intact());
    }

    @Test
    void eachMinuteGetsItsOwnFirstFewAndItsOwnCountWrittenOnceTheMinuteIsOver() throws Exception {
        failedLogin("ann@example.com");
        failedLogin("ann@example.com");
        hammer("ann@example.com", 50);
        clock.now = MINUTE.plusSeconds(65);
        hammer("ann@example.com", 20);
        // Both minutes are over (the clock the audit records is in the past): their counts are written by the next
        // sweep, while the JVM runs, not only when it closes.
        assertEquals(50 + 20 - 2 * RefusalSummaries.FIRST_FEW, pipeline.refusals().waiting());
        pipeline.refusals().sweep(false);
        assertEquals(0, pipeline.refusals().waiting());
        pipeline.close();

        List<AuditEvent> ann = denied(journal(), "ann@example.com");
        assertEquals(2 * (RefusalSummaries.FIRST_FEW + 1), ann.size(), ann.toString());
        List<AuditEvent> summaries = ann.stream().filter(e -> e.changes().startsWith("{\"summary\""))
                .sorted(java.util.Comparator.comparing(AuditEvent::changes, (a, b) -> a.replaceAll(".*\"minute\"", "")
                        .compareTo(b.replaceAll(".*\"minute\"", "")))).toList();
        assertEquals(2, summaries.size(), summaries.toString());
        assertTrue(summaries.get(0).changes().contains("\"minute\":\"2026-11-22T12:00:00Z\",\"policy\":\"login\","
                + "\"refused\":" + (50 - RefusalSummaries.FIRST_FEW) + "}"), summaries.toString());
        assertTrue(summaries.get(1).changes().contains("\"minute\":\"2026-11-22T12:01:00Z\",\"policy\":\"login\","
                + "\"refused\":" + (20 - RefusalSummaries.FIRST_FEW) + "}"), summaries.toString());
        String key = summaries.get(0).changes().replaceAll(".*\"key\":\"([^\"]+)\".*", "$1");
        assertTrue(summaries.get(1).changes().contains("\"key\":\"" + key + "\""), summaries.toString());
    }

    @Test
    void everyCountedCallIsStillRefusedAndGivesItsPlaceInThePipelineBack() throws Exception {
        failedLogin("ann@example.com");
        failedLogin("ann@example.com");
        // Counted or recorded, every refused call is refused: the summary changes what is written, never what runs.
        for (int i = 0; i < 100; i++) {
            RateLimitedException e = assertThrows(RateLimitedException.class,
                    () -> registry.enter(login.id(), new Object[] {"ann@example.com", "guess"}));
            assertEquals("login", e.policy());
        }
        assertEquals(100 - RefusalSummaries.FIRST_FEW, pipeline.refusals().waiting());
        // What was recorded becomes durable and gives its place back; what was counted must have given it back at once.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (pipeline.pending() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, pipeline.pending(), "counted refusals give their place in the pipeline back");
    }
}
