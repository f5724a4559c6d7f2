package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.StepUpApp;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.testing.Leaks;
import io.bulwark.runtime.testing.PostgresServer;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole step-up in JVMs started with the agent: a user enrolled with {@code 2fa enroll} (the code typed at its
 * prompt computed from the printed secret, as an authenticator app would), then a transfer refused without a code,
 * accepted with one, fresh for its max age, asked again after, and the accepted code refused in a second JVM.
 */
class TwoFactorEndToEndIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern SECRET = Pattern.compile("otpauth://totp/[^?]+\\?secret=([A-Z2-7]+)&");

    @TempDir
    Path dataDir;

    private final TotpGenerator totp = new TotpGenerator(TotpParameters.DEFAULT);
    /** Unique per run: the Redis these tests share keeps sessions for a day. */
    private final String user = "alice-" + java.util.UUID.randomUUID();

    /** The JDK the application JVMs run on; the command runs on the build's. */
    private Path javaHome = Path.of(System.getProperty("java.home"));

    static Stream<Path> jdks() throws IOException {
        return Jdks.all().stream();
    }

    private ForkedJvm withStore(ForkedJvm jvm, List<String> options) {
        jvm.option("-Dbulwark.data-dir=" + dataDir);
        options.forEach(jvm::option);
        return jvm;
    }

    /** Enrolls alice with the command, answering its prompt; returns the secret it printed. */
    private TotpSecret enrollWithTheCommand(List<String> options) throws Exception {
        ForkedJvm cli = withStore(new ForkedJvm().withoutAgent().onlyClasspath(ForkedJvm.AGENT_JAR), options);
        try (ForkedJvm.Running running = cli.start("io.bulwark.agent.boot.AgentBoot", "2fa", "enroll", user,
                "--account", "alice@example.com")) {
            String uri = running.awaitLine("otpauth://", WAIT);
            Matcher m = SECRET.matcher(uri);
            assertTrue(m.find(), uri);
            assertTrue(URI.create(uri).getPath().endsWith("Bulwark:alice@example.com"), uri);
            TotpSecret secret = TotpSecret.fromBase32(m.group(1));
            running.awaitLine("Code shown by the app", WAIT);
            running.send(totp.codeAt(secret, Instant.now()));
            ForkedJvm.Result done = running.await(WAIT).assertExit(0);
            assertTrue(done.stdout().contains("\u2588") || done.stdout().contains("\u2580"),
                    "a QR code drawn in the terminal:\n" + done);
            List<String> recovery = done.lines().stream().filter(l -> l.matches("  [0-9a-z]{5}-[0-9a-z]{5}")).toList();
            assertEquals(10, recovery.size(), done.toString());
            return secret;
        }
    }

    private void stepUpFlow(List<String> options) throws Exception {
        TotpSecret secret = enrollWithTheCommand(options);
        // The code of the next step: in the window now, and later than the one the enrollment spent.
        String code = totp.codeAt(secret, Instant.now().plusSeconds(30));
        ForkedJvm.Result first = withStore(new ForkedJvm().java(javaHome), options).run(StepUpApp.class, user,
                "s1:", "s1:" + code, "s1:", "s2:" + code, "sleep:3500", "s1:").assertExit(0);
        assertEquals("MISSING", first.value("step0"), "refused without a code");
        assertEquals("ok", first.value("step1"), "accepted with the app's code");
        assertEquals("ok", first.value("step2"), "fresh for maxAge without a code");
        assertEquals("INVALID", first.value("step3"), "the code is spent, also for another session");
        assertEquals("EXPIRED", first.value("step5"), "asked again after maxAge");
        assertEquals("980", first.value("balance"), "the body ran exactly twice");
        assertFalse(Leaks.shows(first.stderr(), code) || first.stdout().contains("secret"), first.toString());

        ForkedJvm.Result second = withStore(new ForkedJvm().java(javaHome), options).run(StepUpApp.class, user,
                "s9:" + code)
                .assertExit(0);
        assertEquals("INVALID", second.value("step0"), "replayed in another JVM:\n" + second);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void enrolledWithTheCommandAStepUpPassesOnceItsCodeIsRightAndExpiresAfterMaxAge(Path jdk) throws Exception {
        javaHome = jdk;
        stepUpFlow(List.of());
        List<AuditEvent> events = AuditQuery.fromJournal(dataDir.resolve("audit"),
                new AuditQuery.Filter(null, "transfer.create", null, 100));
        List<Status> statuses = new ArrayList<>(events.stream().map(AuditEvent::status).toList());
        assertEquals(List.of(Status.DENIED, Status.SUCCESS, Status.SUCCESS, Status.DENIED, Status.DENIED,
                Status.DENIED), statuses, "every call audited, refusals as denied");
    }

    @Test
    void withPostgresAndRedisTheFactorAndTheSessionsAreShared() throws Exception {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        PostgresServer.Schema schema = PostgresServer.freshSchema("twofactor_e2e");
        stepUpFlow(List.of("-Dbulwark.jdbc.url=" + schema.jdbcUrl(),
                "-Dbulwark.totp.key=" + Base64.getEncoder().encodeToString(key),
                "-Dbulwark.redis.url=" + io.bulwark.runtime.testing.RedisServer.shared()));
    }
}
