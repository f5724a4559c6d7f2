package io.bulwark.samples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.testing.EnrollCommand;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.File;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot sample, started with the agent exactly as docs/samples.md says, on Boot's own executable jar. Every
 * test uses its own emails; all of them together stay under the sample's 20 failures per IP (15).
 */
class SpringBootSampleIT {

    private static final TotpGenerator TOTP = new TotpGenerator(TotpParameters.DEFAULT);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration JOURNAL_WAIT = Duration.ofSeconds(30);

    private static DocSection page;
    private static Path dataDir;
    private static BootSample sample;

    @BeforeAll
    static void start() throws Exception {
        page = DocSection.read(BootSample.REPOSITORY.resolve("docs/samples.md"));
        dataDir = Files.createTempDirectory("bulwark-boot-sample");
        sample = BootSample.start(page.startCommand(), environment(dataDir));
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
    }

    /** A free port, a private data directory, and the JDK running this build first on the PATH. */
    private static Map<String, String> environment(Path data) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("BULWARK_DATA_DIR", data.toString());
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
        return env;
    }

    @Test
    void theAgentWeavesTheControllersInsideBootsExecutableJar() {
        String out = sample.output();
        assertTrue(out.contains("agent 0.1.0-SNAPSHOT active: rate limits in memory"), out);
        assertFalse(out.contains("UNGUARDED") || out.contains("[bulwark] ") && out.contains(" ERROR "), out);
    }

    @Test
    void theSamplePagesCommandsPrintWhatItSays() throws Exception {
        assertTrue(page.steps().size() >= 6, page.toString());
        for (DocSection.Step step : page.steps()) {
            String command = step.command().replace("http://127.0.0.1:8080", sample.base.toString());
            long deadline = System.nanoTime() + JOURNAL_WAIT.toNanos();
            String output = shell(command);
            // The audit journal is written in the background: a query may run before the last event is on disk.
            while (!step.exact() && step.expected() != null && !output.contains(step.expected())
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
                output = shell(command);
            }
            if (step.exact()) {
                assertEquals(step.expected(), output.strip(), command);
            } else if (step.expected() != null) {
                assertTrue(output.contains(step.expected()), command + "\n" + output);
            }
        }
    }

    private static String shell(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", command).directory(BootSample.REPOSITORY.toFile())
                .redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
        builder.environment().putAll(environment(dataDir));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), command + "\n" + output);
        return output;
    }

    private static HttpResponse<String> post(URI base, String path, String contentType, String body,
            String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> form(String email, String... headers) throws Exception {
        return post(sample.base, "/login", "application/x-www-form-urlencoded", "email=" + email + "&password=wrong",
                headers);
    }

    private static HttpResponse<String> json(String email) throws Exception {
        return post(sample.base, "/session", "application/json",
                "{\"email\":\"" + email + "\",\"password\":\"wrong\"}");
    }

    private static HttpResponse<String> items(String user) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(sample.base.resolve("/api/items"))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            request.header("X-User", user);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code 2fa enroll USER} on the sample's data directory, answering its prompt as a person with an app would. */
    private static TotpSecret enrollWithTheCommand(String user) throws Exception {
        return EnrollCommand.enroll(Path.of(System.getProperty("bulwark.agent.jar")), user,
                List.of("-Dbulwark.data-dir=" + dataDir));
    }

    private static HttpResponse<String> transfer(String user, String session, String otp) throws Exception {
        String[] headers = otp == null ? new String[] {"X-User", user, "X-Session", session}
                : new String[] {"X-User", user, "X-Session", session, "X-OTP", otp};
        return post(sample.base, "/api/transfer", "application/x-www-form-urlencoded", "from=a1&to=a2&cents=500",
                headers);
    }

    @Test
    void aTransferNeedsASecondFactorFromTheAppFreshInItsSession() throws Exception {
        TotpSecret secret = enrollWithTheCommand("grace");
        HttpResponse<String> refused = transfer("grace", "s1", null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"a second factor is "
                + "required\", max_age=300", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(refused.body().contains("\"error\":\"two_factor_required\"")
                && refused.body().contains("\"reason\":\"MISSING\""), refused.body());
        String code = TOTP.codeAt(secret, Instant.now().plusSeconds(30));
        HttpResponse<String> done = transfer("grace", "s1", code);
        assertEquals(200, done.statusCode(), done.body());
        assertEquals(200, transfer("grace", "s1", null).statusCode(), "fresh in its session for 5 minutes");
        assertEquals(401, transfer("grace", "s2", code).statusCode(), "the code is spent");
    }

    @Test
    void theSixthFailedLoginIsRefusedThroughSpringsProxyAndThroughSelfInvocationAlike() throws Exception {
        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> failed = form("carol@example.com");
            assertEquals(401, failed.statusCode(), "form attempt " + i);
            assertTrue(failed.headers().firstValue("Server-Timing").isPresent(), "served through Spring's proxy");
        }
        for (int i = 4; i <= 5; i++) {
            assertEquals(401, json("carol@example.com").statusCode(), "JSON attempt " + i + ", by self-invocation");
        }
        HttpResponse<String> refused = json("carol@example.com");
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("900", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("5", refused.headers().firstValue("RateLimit-Limit").orElseThrow());
        assertTrue(refused.body().startsWith("{\"error\":\"rate_limited\",\"message\":\"locked out by 'login' after 5 "
                + "failures within 5m; retry after 15m\",\"retryAfterSeconds\":900,\"requestId\":\""), refused.body());
        assertTrue(refused.body().contains(refused.headers().firstValue("X-Request-Id").orElseThrow()));
        assertEquals(429, form("carol@example.com").statusCode(), "one lockout for both endpoints");
    }

    /** 100 a minute is GCRA: a burst of 100, refilled at one every 0.6 s, as in the first sample's test. */
    @Test
    void theApiOnADirectlyCalledControllerAdmitsItsBurstThenRefuses() throws Exception {
        assertEquals(401, items(null).statusCode(), "anonymous callers are turned away before the quota");
        long start = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            HttpResponse<String> admitted = items("quota-user");
            assertEquals(200, admitted.statusCode(), "request " + i);
            assertFalse(admitted.headers().firstValue("Server-Timing").isPresent(), "no proxy in front");
        }
        int admittedPastTheBurst = 0;
        HttpResponse<String> response = items("quota-user");
        while (response.statusCode() == 200 && admittedPastTheBurst < 100) {
            admittedPastTheBurst++;
            response = items("quota-user");
        }
        double refilled = (System.nanoTime() - start) / 600_000_000.0;
        assertEquals(429, response.statusCode(), response.body());
        assertTrue(admittedPastTheBurst <= Math.ceil(refilled),
                admittedPastTheBurst + " admitted past the burst, but only " + refilled + " refilled");
        assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("100;w=60", response.headers().firstValue("RateLimit-Policy").orElseThrow());
        assertEquals(200, items("another-user").statusCode());
    }

    @Test
    void forwardedForIsIgnoredFromAnUntrustedPeerAndHonouredFromATrustedOne() throws Exception {
        assertEquals("{\"user\":null,\"ip\":\"127.0.0.1\",\"requestId\":\"w-1\"}", whoami(sample.base,
                "X-Forwarded-For", "203.0.113.9", "X-Request-Id", "w-1"), "the sample trusts no proxy");

        // The key as a system property: the agent passes it over, Spring's environment reads it.
        String trusting = page.startCommand().replaceFirst("^java ",
                "java -Dbulwark.web.trusted-proxies=127.0.0.1/32 ");
        Path proxiedData = Files.createTempDirectory("bulwark-boot-sample-proxied");
        try (BootSample proxied = BootSample.start(trusting, environment(proxiedData))) {
            assertEquals("{\"user\":\"u-9\",\"ip\":\"203.0.113.9\",\"requestId\":\"w-2\"}", whoami(proxied.base,
                    "X-Forwarded-For", "198.51.100.1, 203.0.113.9", "X-User", "u-9", "X-Request-Id", "w-2"),
                    "behind a trusted proxy the client is the first untrusted hop from the right");
        }
    }

    @Test
    void malformedHeadersNeverCauseA500() throws Exception {
        String head = "GET /whoami HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "X-User: j\u00c3\u00b6rg\r\nX-Request-Id: a\r\nX-Request-Id: b\r\n"
                + "X-Forwarded-For: " + "203.0.113.9, ".repeat(500) + "\r\nUser-Agent: \u0080\u00ff\r\n\r\n";
        try (Socket socket = new Socket(sample.base.getHost(), sample.base.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.contains("{\"user\":null,\"ip\":\"127.0.0.1\",\"requestId\":\""), answer);
        }
    }

    private static String whoami(URI base, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/whoami")).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
