package io.bulwark.runtime.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.GuardUnavailableException;
import io.bulwark.RateLimitedException;
import io.bulwark.StoreFailure;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.query.AuditQuery;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.testing.Leaks;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code @Requires2FA} among the other guards: checked first, spends no quota when it refuses, audited as denied. */
class StepUpGuardTest {

    private static final List<Parameter> TRANSFER = List.of(new Parameter("account", "java.lang.String"));

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
        registry = new GuardRegistry(settings, new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), audit,
                Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        audit.close();
        Log.setOutput(System.err);
    }

    private Registration transfer(String maxAge) {
        RateLimitSpec once = new RateLimitSpec("transfers", 1, "1h", "{account}", Count.CALLS, "", List.of(), false,
                StoreFailure.CLOSED);
        return registry.register(new MethodSpec("com.acme.Bank", "transfer", "(Ljava/lang/String;)V", TRANSFER,
                List.of(once), List.of(), new AuditSpec("transfer.create", "account", "{account}", "", Capture.ARGS),
                new TwoFactorSpec(maxAge)), new ReflectiveTypeModel(), getClass().getClassLoader());
    }

    private void call(Registration r, String account) {
        Object token = registry.enter(r.id(), new Object[] {account});
        registry.exit(r.id(), token, null, null);
    }

    @Test
    void theStepUpRefusesFirstSpendsNoQuotaAndIsAuditedAsDenied() throws Exception {
        Registration r = transfer("5m");
        var enrollment = registry.twoFactor().enroll("alice", "alice@example.com");
        TotpSecret secret = TotpSecret.fromBase32(enrollment.secret());
        TotpGenerator totp = new TotpGenerator(TotpParameters.DEFAULT);
        registry.twoFactor().confirm("alice", totp.codeAt(secret, Instant.now()));

        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
            TwoFactorRequiredException e = assertThrows(TwoFactorRequiredException.class, () -> call(r, "acct-1"));
            assertEquals(TwoFactorRequiredException.Reason.MISSING, e.reason());
        }
        String code = totp.codeAt(secret, Instant.now().plusSeconds(30));
        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1").otp(code))) {
            call(r, "acct-1");
        }
        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
            assertThrows(RateLimitedException.class, () -> call(r, "acct-1"), "fresh, so the quota decides");
        }

        List<AuditEvent> events = awaitEvents(3);
        assertEquals(List.of(Status.DENIED, Status.SUCCESS, Status.DENIED), events.stream().map(AuditEvent::status)
                .toList());
        assertEquals("TwoFactorRequiredException: a second factor is required", events.get(0).errorMessage());
        String everything = events.toString() + log.toString(StandardCharsets.UTF_8);
        assertFalse(Leaks.shows(everything, code), "the code is in no audit record or log line");
    }

    @Test
    void anUnparsableMaxAgeRefusesEveryCallAndSaysWhy() {
        Registration r = transfer("5 minutes");
        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
            assertThrows(GuardUnavailableException.class, () -> call(r, "acct-1"));
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("@Requires2FA on com.acme.Bank.transfer(String): "
                + "maxAge = '5 minutes': expected 0 (a code on every call) or a duration up to 24h"), log.toString());
    }

    @Test
    void postgresWithoutASharedKeyRefusesRatherThanInventOne() {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir)
                .withJdbc(new JdbcSettings("jdbc:postgresql://127.0.0.1:5432/test", null, null, 2)));
        registry = new GuardRegistry(settings, new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), audit,
                Clock.systemUTC());
        Registration r = transfer("5m");
        try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
            assertThrows(GuardUnavailableException.class, () -> call(r, "acct-1"));
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("bulwark.totp.key is not set"), log.toString());
        assertThrows(GuardUnavailableException.class, () -> registry.twoFactor());
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
