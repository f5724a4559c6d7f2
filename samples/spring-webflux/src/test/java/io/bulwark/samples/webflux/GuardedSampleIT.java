package io.bulwark.samples.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.testing.ListeningProcess;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sample as Spring Boot's executable jar, started with the agent, for each web stack this build runs it on
 * ({@code bulwark.sample.stacks}: {@code reactive} for the WebFlux sample on Boot 3.5; {@code reactive,servlet} for
 * the same sources on Boot 4.0, in samples/spring-boot-4): a lockout, a quota per caller and the audit trail, end to
 * end over HTTP.
 */
class GuardedSampleIT {

    private static final Path REPOSITORY = Path.of(System.getProperty("bulwark.repository"));
    private static final Path SAMPLE = Path.of(System.getProperty("bulwark.sample.jar"));
    private static final Path AGENT = REPOSITORY.resolve("agent/target/bulwark-agent.jar");
    private static final Pattern LISTENING = Pattern.compile("Bulwark WebFlux sample listening on (http://\\S+)");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static Stream<String> stacks() {
        return Stream.of(System.getProperty("bulwark.sample.stacks", "reactive").split(","));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> login(URI base, String email, String password) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve("/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"" + password
                        + "\"}")));
    }

    private static HttpResponse<String> items(URI base, String user) throws Exception {
        return send(HttpRequest.newBuilder(base.resolve("/api/items")).header("X-User", user).GET());
    }

    private static List<AuditEvent> awaitEvents(Path dataDir, String action, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<AuditEvent> events = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(dataDir.resolve("audit"))) {
                events = AuditQuery.fromJournal(dataDir.resolve("audit"), new AuditQuery.Filter(null, action, null,
                        1000));
                if (events.size() >= count) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        assertEquals(count, events.size(), action + ": " + events);
        return events;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void aLockoutAQuotaPerCallerAndTheAuditHoldEndToEnd(String stack) throws Exception {
        Path dataDir = Files.createTempDirectory("bulwark-webflux-sample");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-javaagent:" + AGENT, "-Dbulwark.data-dir=" + dataDir,
                // The quota overridden down from 100 a minute, as an operator would: bulwark.ratelimit.<name>.limit.
                "-Dbulwark.ratelimit.api.limit=3", "-jar", SAMPLE.toString(),
                "--spring.main.web-application-type=" + stack));
        ProcessBuilder builder = new ProcessBuilder(command).directory(REPOSITORY.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(Map.of("PORT", "0"));
        try (ListeningProcess sample = ListeningProcess.start(builder, LISTENING, Duration.ofSeconds(90))) {
            URI base = sample.base();

            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> wrong = login(base, "alice@example.com", "wrong-" + i);
                assertEquals(401, wrong.statusCode(), wrong.body());
            }
            HttpResponse<String> locked = login(base, "alice@example.com", "wrong-6");
            assertEquals(429, locked.statusCode(), locked.body());
            assertEquals("900", locked.headers().firstValue("Retry-After").orElse(null));
            String requestId = locked.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(locked.body().startsWith("{\"error\":\"rate_limited\",\"message\":\""), locked.body());
            assertTrue(locked.body().contains("\"retryAfterSeconds\":900,\"requestId\":\"" + requestId + "\"}"),
                    locked.body());
            assertEquals(429, login(base, "alice@example.com", "correct horse battery staple").statusCode(),
                    "the right password does not open the lock");
            assertEquals(200, login(base, "bob@example.com", "hunter2hunter2").statusCode());

            for (int i = 1; i <= 3; i++) {
                HttpResponse<String> ok = items(base, "u1");
                assertEquals(200, ok.statusCode(), ok.body());
                assertTrue(ok.body().contains("\"name\":\"Rampart\""), ok.body());
            }
            HttpResponse<String> spent = items(base, "u1");
            assertEquals(429, spent.statusCode(), spent.body());
            assertEquals("3", spent.headers().firstValue("RateLimit-Limit").orElse(null));
            assertEquals(200, items(base, "u2").statusCode(), "u2 has a quota of its own");

            HttpResponse<String> whoami = send(HttpRequest.newBuilder(base.resolve("/whoami")).header("X-User", "u9")
                    .header("X-Forwarded-For", "203.0.113.9").GET());
            assertTrue(whoami.body().contains("\"user\":\"u9\""), whoami.body());
            assertTrue(whoami.body().contains("\"ip\":\"127.0.0.1\""), "an untrusted X-Forwarded-For is not "
                    + "believed: " + whoami.body());

            Status f = Status.FAILURE;
            Status d = Status.DENIED;
            Status s = Status.SUCCESS;
            List<AuditEvent> logins = awaitEvents(dataDir, "user.login", 8);
            assertEquals(List.of(f, f, f, f, f, d, d, s), logins.stream().map(AuditEvent::status).toList());
            assertEquals("alice@example.com", logins.get(0).resourceId());
            assertEquals("127.0.0.1", logins.get(0).ipAddress());
            assertEquals(requestId, logins.get(5).requestId(), "the denied event is the refused request's");
            List<AuditEvent> listings = awaitEvents(dataDir, "catalog.list", 5);
            assertEquals(List.of("u1", "u1", "u1", "u1", "u2"), listings.stream().map(AuditEvent::userId).toList(),
                    "the caller reached guards subscribed on another scheduler");
            assertEquals(List.of(s, s, s, d, s), listings.stream().map(AuditEvent::status).toList());
            String out = sample.output();
            assertTrue(out.contains("agent 0.1.0-SNAPSHOT active"), out);
            assertFalse(out.contains("[bulwark]") && out.contains(" ERROR "), out);
            assertFalse(out.contains("correct horse battery staple"), out);
        } finally {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
            }
        }
    }
}
