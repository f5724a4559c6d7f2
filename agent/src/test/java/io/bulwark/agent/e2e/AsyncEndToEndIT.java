package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.AsyncApp;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Methods that deliver their outcome later ({@code CompletableFuture}, {@code CompletionStage}, Reactor's {@code Mono}
 * and {@code Flux}), in a JVM started with the agent: failures counted when the result fails, refusals delivered as
 * failed stages and error signals, each subscription one attempt, and each call audited with its real outcome.
 */
class AsyncEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path REACTOR = Path.of(ForkedJvm.required("bulwark.e2e.reactor"));
    private static final Path REACTIVE_STREAMS = Path.of(ForkedJvm.required("bulwark.e2e.reactive-streams"));

    @TempDir
    Path dataDir;

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    private List<AuditEvent> events(String action) throws IOException {
        return AuditQuery.fromJournal(dataDir.resolve("audit"), new AuditQuery.Filter(null, action, null, 1000));
    }

    private List<AuditEvent> awaitEvents(String action, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<AuditEvent> events = events(action);
        while (events.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
            events = events(action);
        }
        assertEquals(count, events.size(), action + ": " + events);
        return events;
    }

    private static List<Status> statuses(List<AuditEvent> events) {
        return events.stream().map(AuditEvent::status).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void asyncLoginsAreLockedOutAfterTheirLimitOfFailuresAndAuditedWithTheirRealOutcome(Path javaHome)
            throws Exception {
        run(new ForkedJvm().java(javaHome), "");
    }

    /** The same, counted in a real Redis (the reservations, their release on cancellation, the settlements). */
    @Test
    void asyncLoginsAreLockedOutInRedisToo() throws Exception {
        run(new ForkedJvm().option("-Dbulwark.redis.url=" + RedisServer.shared()), "-" + UUID.randomUUID());
    }

    private void run(ForkedJvm jvm, String run) throws Exception {
        try (ForkedJvm.Running app = jvm.classpath(REACTOR).classpath(REACTIVE_STREAMS)
                .option("-Dbulwark.data-dir=" + dataDir).start(AsyncApp.class.getName(), run)) {
            app.awaitLine("done", WAIT);
            ForkedJvm.Result r = new ForkedJvm.Result(List.of(), 0, app.stdout(), app.stderr());
            String bob = "VALUE session for bob" + run + "@example.com";
            String futureLocked = "FAILED LockedOutException policy=future-login retryAfter=900";
            for (int i = 1; i <= 3; i++) {
                assertEquals("FAILED BadCredentials", r.value("future-wrong." + i), r.toString());
            }
            assertEquals(futureLocked, r.value("future-wrong.4"));
            assertEquals(futureLocked, r.value("future-wrong.5"));
            assertEquals(futureLocked, r.value("future-right"), "the right password does not open a lock");
            assertEquals("no", r.value("future-refusal-thrown"), "a refusal is a failed stage, not a throw");
            assertEquals(bob, r.value("future-bob-ok"));
            assertEquals(bob, r.value("future-bob-not-locked"),
                    "success on completion reset bob's failures");

            assertEquals("FAILED BadCredentials", r.value("stage-wrong.2"));
            assertEquals("FAILED LockedOutException policy=stage-login retryAfter=900", r.value("stage-wrong.3"));

            assertEquals("0", r.value("mono-bodies-at-assembly"), "guards, and the body, run at subscription");
            assertEquals("ERROR LockedOutException policy=mono-login retryAfter=900", r.value("mono-retried"),
                    "a retry is a new attempt");
            assertEquals("3", r.value("mono-bodies"), "refused subscriptions never ran the body");
            assertEquals("no", r.value("mono-refusal-thrown"));
            assertEquals("ERROR LockedOutException policy=mono-login retryAfter=900", r.value("mono-right"));
            assertEquals(bob, r.value("mono-bob"));

            for (int i = 1; i <= 3; i++) {
                assertEquals("ERROR TimeoutException", r.value("slow-cancelled." + i), "a cancelled attempt is free");
            }
            assertEquals("ERROR BadCredentials", r.value("slow-wrong"));
            assertEquals("ERROR TimeoutException", r.value("slow-still-open"));

            assertEquals("ERROR BadCredentials", r.value("flux-wrong.2"));
            assertEquals("ERROR LockedOutException policy=flux-history retryAfter=900", r.value("flux-wrong.3"));
            assertEquals("VALUE [login-1, login-2, login-3]", r.value("flux-right"));

            assertEquals("VALUE [shield, moat]", r.value("items-u1.2"));
            assertTrue(r.value("items-u1.3").startsWith("ERROR RateLimitedException policy=mono-items"), r.toString());
            assertEquals("VALUE [shield, moat]", r.value("items-u2"), "u2 has a quota of its own");
            assertFalse(r.stderr().contains(" ERROR "), r.stderr());

            Status f = Status.FAILURE;
            Status d = Status.DENIED;
            Status s = Status.SUCCESS;
            List<AuditEvent> future = awaitEvents("future.login", 13);
            assertEquals(List.of(f, f, f, d, d, d, d, f, f, s, f, f, s), statuses(future));
            AuditEvent firstFailure = future.get(0);
            assertEquals("alice" + run + "@example.com", firstFailure.resourceId());
            assertEquals(AsyncApp.BadCredentials.class.getName() + ": wrong password for alice" + run + "@example.com",
                    firstFailure.errorMessage());
            assertTrue(firstFailure.durationMicros() >= 30_000, "recorded at completion, not at return: "
                    + firstFailure.durationMicros() + " µs");
            assertEquals(List.of(f, f, f, d, d, d, d, s), statuses(awaitEvents("mono.login", 8)));
            List<AuditEvent> slow = awaitEvents("slow.login", 5);
            assertEquals(List.of(f, f, f, f, f), statuses(slow));
            assertEquals("java.util.concurrent.CancellationException: cancelled before it completed",
                    slow.get(0).errorMessage());
            assertTrue(slow.get(3).errorMessage().startsWith(AsyncApp.BadCredentials.class.getName()));
            assertEquals(List.of(f, f, d, s), statuses(awaitEvents("flux.history", 4)));
            for (AuditEvent e : events(null)) {
                assertFalse(e.changes() != null && e.changes().contains(AsyncApp.PASSWORD), e.changes());
            }
            app.killHard();
        }
    }

    /**
     * Compiled without the processor, which would reject it: guards that count outcomes on a {@code Future} or a
     * Kotlin suspend function are refused at weave time, never counted as if the method had returned its outcome.
     */
    @Test
    void outcomesBulwarkCannotFollowAreRefusedNotMiscounted() throws Exception {
        Path classes = Javac.compile(dataDir.resolve("build"), List.of("-parameters"),
                "io/bulwark/agent/e2e/apps/UnfollowableApp.java", Javac.resource("UnfollowableApp.java"),
                "kotlin/coroutines/Continuation.java", Javac.resource("Continuation.java"));
        ForkedJvm.Result r = new ForkedJvm().option("-Dbulwark.scan=annotations", "-Dbulwark.data-dir=" + dataDir)
                .onlyClasspath(classes, ForkedJvm.TEST_CLASSES, ForkedJvm.ANNOTATIONS_JAR)
                .runMain("io.bulwark.agent.e2e.apps.UnfollowableApp").assertExit(0);
        String refused = "GuardUnavailableException status=503 message=guard '%s' refused the call: its guard "
                + "declaration is invalid (the Bulwark log says why)";
        assertEquals(String.format(refused, "io.bulwark.agent.e2e.apps.UnfollowableApp.login(String)"),
                r.value("future.1"));
        assertEquals(String.format(refused, "io.bulwark.agent.e2e.apps.UnfollowableApp.suspendLogin(String, "
                + "Continuation)"), r.value("suspend.1"));
        assertEquals("OK", r.value("quota.1"));
        assertTrue(r.value("quota.2").startsWith("RateLimitedException policy=future-quota"), r.toString());
        assertTrue(r.stderr().contains("ERROR Bulwark on io.bulwark.agent.e2e.apps.UnfollowableApp.login(String): "
                + "count = FAILURES needs the outcome of each call, but the method returns "
                + "java.util.concurrent.Future, whose outcome Bulwark cannot follow: return CompletionStage, "
                + "CompletableFuture, or Reactor's Mono or Flux (or use count = CALLS without @Audited)"),
                r.toString());
        assertTrue(r.stderr().contains("@Audited needs the outcome of each call, but the method is a Kotlin suspend "
                + "function"), r.toString());
    }
}
