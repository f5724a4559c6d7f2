package io.bulwark.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.testing.EnrollCommand;
import io.bulwark.runtime.testing.PostgresServer;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's promise: the sample, started with the agent, refuses the limit+1st call with 429 and Retry-After. */
class SampleServerIT {

    private static final TotpGenerator TOTP = new TotpGenerator(TotpParameters.DEFAULT);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static SampleProcess sample;
    private static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("bulwark-sample");
        sample = SampleProcess.start(true, "-Dbulwark.data-dir=" + dataDir);
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
    }

    private static HttpResponse<String> login(String email, String password) throws Exception {
        return send(HttpRequest.newBuilder(sample.base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=" + email + "&password=" + password)));
    }

    private static HttpResponse<String> items(String user) throws Exception {
        return send(HttpRequest.newBuilder(sample.base.resolve("/api/items")).header("X-User", user).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startupSaysTheAgentIsActiveWithTheEmbeddedEngines() {
        assertTrue(sample.startupOutput().contains(
                "agent 0.1.0-SNAPSHOT active: rate limits in memory (this JVM only); "
                + "audit events to the journal in " + dataDir.resolve("audit")), sample.startupOutput());
    }

    /** {@code java -jar bulwark-agent.jar <args>}, as a person would run it, reading the sample's data directory. */
    private static List<String> command(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dbulwark.data-dir=" + dataDir));
        command.addAll(List.of("-jar", System.getProperty("bulwark.agent.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), output);
        return output.lines().toList();
    }

    /** {@code java -jar bulwark-agent.jar 2fa enroll USER}, answering its prompt as a person with an app would. */
    private static TotpSecret enrollWithTheCommand(String user) throws Exception {
        return EnrollCommand.enroll(Path.of(System.getProperty("bulwark.agent.jar")), user,
                List.of("-Dbulwark.data-dir=" + dataDir));
    }

    private static HttpResponse<String> transfer(String user, String session, String otp) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(sample.base.resolve("/transfer")).header("X-User", user)
                .header("X-Session", session).header("Content-Type", "application/x-www-form-urlencoded");
        if (otp != null) {
            request.header("X-OTP", otp);
        }
        return send(request.POST(HttpRequest.BodyPublishers.ofString("from=acct-1&to=acct-2&cents=500")));
    }

    @Test
    void aUserEnrolledWithTheCommandTransfersWithTheAppsCodeOnceAndIsFreshForFiveMinutes() throws Exception {
        TotpSecret secret = enrollWithTheCommand("erin");
        HttpResponse<String> refused = transfer("erin", "s1", null);
        assertEquals(401, refused.statusCode(), refused.body());
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"a second factor is "
                + "required\", max_age=300", refused.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertTrue(refused.body().contains("\"reason\":\"MISSING\""), refused.body());

        String code = TOTP.codeAt(secret, Instant.now().plusSeconds(30));
        HttpResponse<String> done = transfer("erin", "s1", code);
        assertEquals(200, done.statusCode(), done.body());
        assertTrue(done.body().contains("\"cents\":500"), done.body());
        assertEquals(200, transfer("erin", "s1", null).statusCode(), "the session is fresh for 5 minutes");
        HttpResponse<String> replayed = transfer("erin", "s2", code);
        assertEquals(401, replayed.statusCode());
        assertTrue(replayed.body().contains("\"reason\":\"INVALID\""), replayed.body());
    }

    @Test
    void enrollingOverHttpConfirmsWithAFirstCodeAndGivesRecoveryCodesThatWorkOnce() throws Exception {
        HttpResponse<String> started = send(HttpRequest.newBuilder(sample.base.resolve("/2fa/enroll"))
                .header("X-User", "frank").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, started.statusCode(), started.body());
        Matcher m = Pattern.compile("\"secret\":\"([A-Z2-7]+)\"").matcher(started.body());
        assertTrue(m.find(), started.body());
        assertTrue(started.body().contains("\"qrPng\":\"iVBOR"), "a PNG, base64: " + started.body());
        TotpSecret secret = TotpSecret.fromBase32(m.group(1));
        HttpResponse<String> confirmed = send(HttpRequest.newBuilder(sample.base.resolve("/2fa/confirm"))
                .header("X-User", "frank").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + TOTP.codeAt(secret, Instant.now()))));
        assertEquals(200, confirmed.statusCode(), confirmed.body());
        Matcher codes = Pattern.compile("\"([0-9a-z]{5}-[0-9a-z]{5})\"").matcher(confirmed.body());
        List<String> recovery = new ArrayList<>();
        while (codes.find()) {
            recovery.add(codes.group(1));
        }
        assertEquals(10, recovery.size(), confirmed.body());
        assertEquals(200, transfer("frank", "lost-phone", recovery.get(0)).statusCode());
        assertEquals(401, transfer("frank", "other", recovery.get(0)).statusCode(), "a recovery code works once");
        // Replacing the active factor: a password (X-User here) is not enough; the current factor's code is.
        HttpResponse<String> again = send(HttpRequest.newBuilder(sample.base.resolve("/2fa/enroll"))
                .header("X-User", "frank").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, again.statusCode(), again.body());
        Matcher n = Pattern.compile("\"secret\":\"([A-Z2-7]+)\"").matcher(again.body());
        assertTrue(n.find(), again.body());
        String newCode = TOTP.codeAt(TotpSecret.fromBase32(n.group(1)), Instant.now());
        HttpResponse<String> withoutStepUp = send(HttpRequest.newBuilder(sample.base.resolve("/2fa/confirm"))
                .header("X-User", "frank").header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + newCode)));
        assertEquals(401, withoutStepUp.statusCode(), "an active factor is not replaced by a password alone");
        HttpResponse<String> replaced = send(HttpRequest.newBuilder(sample.base.resolve("/2fa/confirm"))
                .header("X-User", "frank").header("X-OTP", recovery.get(1))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("code=" + newCode)));
        assertEquals(200, replaced.statusCode(), "with the current factor's code in the same request: "
                + replaced.body());
        assertEquals(400, send(HttpRequest.newBuilder(sample.base.resolve("/2fa/enroll")).header("X-User", "evil:label")
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "a name no app label can hold");
    }

    @Test
    void theSampleAuditsItsLoginAndApiIntoTheJournal() throws Exception {
        assertEquals(401, login("carol@example.com", "not-her-password").statusCode());
        assertEquals(200, items("journal-user").statusCode());
        List<String> logins = awaitLines(() -> command("audit", "query", "--action", "user.login"),
                l -> l.contains("carol@example.com"));
        assertTrue(logins.stream().anyMatch(l -> l.contains("\"status\":\"failure\"")
                && l.contains("\"password\":\"[redacted]\"")), logins.toString());
        assertTrue(logins.stream().noneMatch(l -> l.contains("not-her-password")), logins.toString());
        List<String> lists = awaitLines(() -> command("audit", "query", "--action", "catalog.list", "--user",
                "journal-user"), l -> l.contains("journal-user"));
        assertTrue(lists.get(0).contains("\"changes\":{\"args\":{}}"), lists.toString());
        assertTrue(String.join("\n", command("audit", "verify")).contains("intact"));
    }

    @Test
    void configuredWithPostgresTheSampleAuditsIntoIt() throws Exception {
        PostgresServer.Schema schema = PostgresServer.freshSchema("sample");
        try (SampleProcess withDatabase = SampleProcess.start(true, "-Dbulwark.data-dir=" + dataDir.resolve("pg"),
                "-Dbulwark.jdbc.url=" + schema.jdbcUrl())) {
            assertTrue(withDatabase.startupOutput().contains("and on to PostgreSQL at "), withDatabase.startupOutput());
            assertEquals(401, send(withDatabase, "/login", "email=dave@example.com&password=nope").statusCode());
            assertEquals(200, send(withDatabase, "/api/items", null).statusCode());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<String> rows = List.of();
            while (rows.size() < 2 && System.nanoTime() < deadline) {
                rows = rows(schema.jdbcUrl());
                Thread.sleep(50);
            }
            assertEquals(List.of("catalog.list success pg-user", "user.login failure dave@example.com"), rows);
        }
    }

    private static HttpResponse<String> send(SampleProcess target, String path, String form) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.base.resolve(path)).header("X-User", "pg-user");
        return HTTP.send((form == null ? request.GET() : request.header("Content-Type",
                "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> rows(String jdbcUrl) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT action, status, coalesce(resource_id, user_id) FROM audit_logs "
                        + "ORDER BY action")) {
            while (r.next()) {
                rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3));
            }
        } catch (java.sql.SQLException notYet) {
            // the table appears with the first shipment
        }
        return rows;
    }

    private interface Lines {
        List<String> get() throws Exception;
    }

    private static List<String> awaitLines(Lines lines, java.util.function.Predicate<String> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> seen = lines.get();
        while (seen.stream().noneMatch(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = lines.get();
        }
        return seen;
    }

    @Test
    void theSixthWrongPasswordIsRefusedWith429AndRetryAfter() throws Exception {
        for (int i = 1; i <= 5; i++) {
            assertEquals(401, login("alice@example.com", "wrong").statusCode(), "attempt " + i);
        }
        HttpResponse<String> refused = login("alice@example.com", "wrong");
        assertEquals(429, refused.statusCode());
        assertEquals("900", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("5", refused.headers().firstValue("RateLimit-Limit").orElseThrow());
        assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElseThrow());
        assertTrue(refused.body().contains("\"error\":\"rate_limited\""), refused.body());
        assertEquals(429, login("alice@example.com", "correct%20horse%20battery%20staple").statusCode(),
                "the right password does not open a lockout");
        assertEquals(200, login("bob@example.com", "hunter2hunter2").statusCode(), "other accounts are unaffected");
    }

    /**
     * 100 a minute is GCRA: a burst of 100, refilled at one every 0.6 s. So the first refusal comes after the 100
     * of the burst plus whatever refilled while they were sent, and says to retry within a second.
     */
    @Test
    void theApiAdmitsABurstOfItsLimitThenRefusesWith429() throws Exception {
        long start = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            assertEquals(200, items("quota-user").statusCode(), "request " + i);
        }
        int admittedPastTheBurst = 0;
        HttpResponse<String> response = items("quota-user");
        while (response.statusCode() == 200 && admittedPastTheBurst < 100) {
            admittedPastTheBurst++;
            response = items("quota-user");
        }
        double refilled = (System.nanoTime() - start) / 600_000_000.0;
        assertEquals(429, response.statusCode());
        assertTrue(admittedPastTheBurst <= Math.ceil(refilled),
                admittedPastTheBurst + " admitted past the burst, but only " + refilled + " refilled");
        assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("100;w=60", response.headers().firstValue("RateLimit-Policy").orElseThrow());
        assertEquals(200, items("another-user").statusCode());
    }

    @Test
    void requestIdIsEchoedOrMade() throws Exception {
        HttpResponse<String> echoed = send(HttpRequest.newBuilder(sample.base.resolve("/api/items"))
                .header("X-User", "rid").header("X-Request-Id", "req-123").GET());
        assertEquals("req-123", echoed.headers().firstValue("X-Request-Id").orElseThrow());
        assertTrue(items("rid").headers().firstValue("X-Request-Id").orElseThrow().matches("[0-9a-f-]{36}"));
    }

    @Test
    void hostileInputIsRefusedOrNeutralisedNeverA500() throws Exception {
        HttpResponse<String> huge = send(HttpRequest.newBuilder(sample.base.resolve("/login"))
                .POST(HttpRequest.BodyPublishers.ofString("email=" + "a".repeat(100_000) + "&password=x")));
        assertEquals(413, huge.statusCode());
        assertEquals(401, login("%E0%A4%A", "%ZZ").statusCode(), "broken escapes are ignored fields");
        assertEquals(401, login("mallory%0D%0A%7Bx%7D%40example.com", "x").statusCode());
        HttpResponse<String> longUser = items("u".repeat(4_000));
        assertEquals(401, longUser.statusCode(), "an over-long X-User is ignored, so the caller is anonymous");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(sample.base.resolve("/login")).GET());
        assertEquals(405, wrongMethod.statusCode());
    }

    @Test
    void withoutTheAgentTheSampleWarnsThatNothingIsGuarded() throws Exception {
        try (SampleProcess bare = SampleProcess.start(false)) {
            assertTrue(bare.startupOutput().contains("WARNING: the Bulwark agent is not running: nothing is guarded"),
                    bare.startupOutput());
        }
    }
}
