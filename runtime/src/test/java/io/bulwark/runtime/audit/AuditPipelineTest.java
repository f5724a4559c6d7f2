package io.bulwark.runtime.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
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
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit path as woven code drives it (enter, body, exit), into a real journal. */
class AuditPipelineTest {

    private static final String SECRET = "correct horse battery staple";
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00.123456Z");
    private static final List<Parameter> LOGIN = List.of(new Parameter("email", "java.lang.String"),
            new Parameter("password", "java.lang.String", Redact.Mode.MASK));

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private AuditPipeline pipeline;
    private GuardRegistry registry;

    @BeforeEach
    void setUp() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        pipeline = new AuditPipeline(AuditSettings.defaults().withDataDir(dataDir));
        registry = new GuardRegistry(Settings.defaults(), new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false),
                pipeline, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        pipeline.close();
        Log.setOutput(System.err);
    }

    private Registration login(int limit) {
        RateLimitSpec spec = new RateLimitSpec("login-" + limit, limit, "1m", "{email}", Count.CALLS, "", List.of(),
                false, StoreFailure.CLOSED);
        AuditSpec audit = new AuditSpec("user.login", "user", "{email}", "account of {email}", Capture.ARGS);
        return registry.register(new MethodSpec("com.acme.Auth", "login", "(Ljava/lang/String;Ljava/lang/String;)V",
                LOGIN, List.of(spec), List.of(), audit), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    /** What woven code does around a body that returns {@code result} or throws {@code thrown}. */
    private void call(Registration r, Object[] args, Object result, Throwable thrown) {
        Object token = registry.enter(r.id(), args);
        registry.exit(r.id(), token, result, thrown);
    }

    private List<AuditEvent> awaitEvents(int count) throws Exception {
        // A wait, not a timed assertion: the deadline only bounds a broken journal. 20 s proved short once on a
        // machine at load 9 (64 threads' events, 1 of 2 cores); 60 s costs nothing when the journal keeps up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<AuditEvent> events = AuditQuery.fromJournal(pipeline.auditDir(),
                    new AuditQuery.Filter(null, null, null, 1_000_000));
            if (events.size() >= count || System.nanoTime() > deadline) {
                assertEquals(count, events.size());
                return events;
            }
            Thread.sleep(20);
        }
    }

    @Test
    void successFailureAndDeniedCallsEachLeaveOneCompleteEvent() throws Exception {
        Registration r = login(2);
        assertTrue(r.settles());
        assertTrue(r.readsArguments());
        Caller caller = Caller.of("u-42").email("ann@example.com").roles("admin", "ops").org("acme")
                .ip("203.0.113.9").userAgent("curl/8.4").requestId("req-7");
        try (Bulwark.Scope ignored = Bulwark.bind(caller)) {
            call(r, new Object[] {"ann@example.com", SECRET}, null, null);
            call(r, new Object[] {"ann@example.com", SECRET}, null,
                    new IllegalArgumentException("no user ann@example.com with password " + SECRET));
            assertThrows(RateLimitedException.class, () -> registry.enter(r.id(),
                    new Object[] {"ann@example.com", SECRET}));
        }
        List<AuditEvent> events = awaitEvents(3);
        long micros = NOW.getEpochSecond() * 1_000_000 + 123_456;
        for (AuditEvent e : events) {
            assertEquals(7, e.id().version());
            assertEquals(micros, e.occurredAtMicros());
            assertEquals("acme", e.orgId());
            assertEquals("u-42", e.userId());
            assertEquals("ann@example.com", e.userEmail());
            assertEquals(List.of("admin", "ops"), e.roles());
            assertEquals("user.login", e.action());
            assertEquals("user", e.resourceType());
            assertEquals("ann@example.com", e.resourceId());
            assertEquals("account of ann@example.com", e.resourceName());
            assertEquals("{\"args\":{\"email\":\"ann@example.com\",\"password\":\"[redacted]\"}}", e.changes());
            assertEquals("203.0.113.9", e.ipAddress());
            assertEquals("curl/8.4", e.userAgent());
            assertEquals("req-7", e.requestId());
            assertTrue(e.durationMicros() >= 0);
        }
        assertEquals(List.of(Status.SUCCESS, Status.FAILURE, Status.DENIED),
                events.stream().map(AuditEvent::status).toList());
        assertNull(events.get(0).errorMessage());
        assertEquals("java.lang.IllegalArgumentException: no user ann@example.com with password [redacted]",
                events.get(1).errorMessage());
        assertEquals("RateLimitedException: rate limit 'login-2' exceeded (2 per 1m); retry after 30s",
                events.get(2).errorMessage());
        assertTrue(AuditVerifier.verifyJournal(pipeline.auditDir()).intact());
    }

    @Test
    void aRedactedValueReachesNeitherTheJournalNorTheLog() throws Exception {
        Registration r = login(100);
        call(r, new Object[] {"ann@example.com", SECRET}, null, new IllegalStateException("bad " + SECRET));
        awaitEvents(1);
        // The journal thread may be writing a checkpoint meanwhile (a temporary file renamed into place): a file that
        // vanishes between the listing and the read sends the whole walk round again, so its final name is read too.
        boolean read = false;
        for (int attempt = 0; attempt < 10 && !read; attempt++) {
            read = true;
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    assertFalse(bytes.contains(SECRET), file + " holds the redacted value");
                }
            } catch (java.nio.file.NoSuchFileException | java.io.UncheckedIOException vanished) {
                read = false;
            }
        }
        assertTrue(read, "the data directory kept changing under the walk");
        assertFalse(log.toString(StandardCharsets.UTF_8).contains(SECRET));
    }

    @Test
    void everyCallOf64ThreadsLeavesExactlyOneEvent() throws Exception {
        Registration r = login(1_000);
        int threads = 64;
        int calls = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < calls; i++) {
                    try {
                        call(r, new Object[] {"user" + thread + "@example.com", SECRET}, null, null);
                    } catch (RateLimitedException e) {
                        // a denied call is audited too
                    }
                    made.incrementAndGet();
                }
                return null;
            }));
        }
        start.countDown();
        for (var f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<AuditEvent> events = awaitEvents(threads * calls);
        assertEquals(made.get(), new HashSet<>(events.stream().map(AuditEvent::id).toList()).size());
        assertTrue(AuditVerifier.verifyJournal(pipeline.auditDir()).intact());
    }

    @Test
    void aJournalThatCannotBeOpenedRefusesAuditedCallsSayingWhy() throws Exception {
        Files.writeString(dataDir.resolve("audit"), "a file where the journal's directory should be");
        Registration r = login(100);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        GuardUnavailableException refused = null;
        while (refused == null && System.nanoTime() < deadline) {
            try {
                call(r, new Object[] {"ann@example.com", SECRET}, null, null);
                Thread.sleep(10);
            } catch (GuardUnavailableException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "audited calls go on without a journal");
        assertTrue(refused.getMessage().contains("the audit journal in " + dataDir.resolve("audit")
                + " cannot be opened"), refused.getMessage());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("audited calls are refused until it can be"));
    }

    record Hostile(String name, Object thing) {
    }

    @Test
    void hostileArgumentsAreCapturedHarmlessly() throws Exception {
        List<Parameter> parameters = List.of(new Parameter("payload", "java.lang.Object"));
        Registration r = registry.register(new MethodSpec("com.acme.Api", "post", "(Ljava/lang/Object;)V", parameters,
                List.of(), List.of(), new AuditSpec("api.post", "", "", "", Capture.ARGS)), new ReflectiveTypeModel(),
                getClass().getClassLoader());
        Object[] payloads = {"x".repeat(1 << 20), "nul\u0000inside", "broken \uD800 surrogate",
            new Hostile("h", new Object() {
                @Override
                public String toString() {
                    throw new AssertionError("never called");
                }
            }), List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of(List.of("deep"))))))))))};
        for (Object payload : payloads) {
            call(r, new Object[] {payload}, null, null);
        }
        List<AuditEvent> events = awaitEvents(payloads.length);
        assertTrue(events.get(0).changes().length() < 20_000);
        assertEquals("{\"args\":{\"payload\":\"nul\uFFFDinside\"}}", events.get(1).changes());
        assertEquals("{\"args\":{\"payload\":\"broken \uFFFD surrogate\"}}", events.get(2).changes());
        assertTrue(events.get(3).changes().contains("\"_type\":\"" + AuditPipelineTest.class.getName() + "$1\""));
        assertTrue(events.get(4).changes().contains("\"_type\":\"java.util"), events.get(4).changes());
    }
}
