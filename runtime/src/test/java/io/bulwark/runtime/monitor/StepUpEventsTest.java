package io.bulwark.runtime.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.monitoring.StepUpDecision;
import io.bulwark.monitoring.StepUpDecision.Outcome;
import io.bulwark.rules.key.Parameter;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.guard.TwoFactorSpec;
import io.bulwark.runtime.key.ReflectiveTypeModel;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a step-up ends, as a listener hears it: the outcome and nothing about the user. */
class StepUpEventsTest {

    @TempDir
    Path dataDir;

    @Test
    void missingVerifiedFreshInvalidAndNotEnrolledArePublished() throws Exception {
        Settings settings = Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir));
        AuditPipeline audit = new AuditPipeline(settings.audit());
        try (Recorder recorder = new Recorder()) {
            GuardRegistry registry = new GuardRegistry(settings,
                    new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false), audit, Clock.systemUTC());
            Registration r = registry.register(new MethodSpec("com.acme.Bank", "transfer", "(Ljava/lang/String;)V",
                    List.of(new Parameter("account", "java.lang.String")), List.of(), List.of(), null,
                    new TwoFactorSpec("5m")), new ReflectiveTypeModel(), getClass().getClassLoader());
            var enrollment = registry.twoFactor().enroll("alice", "alice@example.com");
            TotpSecret secret = TotpSecret.fromBase32(enrollment.secret());
            TotpGenerator totp = new TotpGenerator(TotpParameters.DEFAULT);
            registry.twoFactor().confirm("alice", totp.codeAt(secret, Instant.now()));

            Runnable call = () -> registry.exit(r.id(), registry.enter(r.id(), new Object[] {"a1"}), null, null);
            try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
                assertThrows(TwoFactorRequiredException.class, call::run);
            }
            try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1").otp("000000"))) {
                assertThrows(TwoFactorRequiredException.class, call::run);
            }
            try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1")
                    .otp(totp.codeAt(secret, Instant.now().plusSeconds(30))))) {
                call.run();
            }
            try (Bulwark.Scope s = Bulwark.bind(Caller.of("alice").session("s1"))) {
                call.run();
            }
            try (Bulwark.Scope s = Bulwark.bind(Caller.of("bob").session("s9").otp("123456"))) {
                assertThrows(TwoFactorRequiredException.class, call::run);
            }
            assertEquals(List.of(Outcome.MISSING, Outcome.INVALID, Outcome.VERIFIED, Outcome.FRESH,
                    Outcome.NOT_ENROLLED), recorder.stepUps.stream().map(StepUpDecision::outcome).toList());
        } finally {
            audit.close();
        }
    }
}
