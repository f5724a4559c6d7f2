package io.bulwark.runtime.twofactor.stepup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.TwoFactorRequiredException.Reason;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.config.TwoFactorSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.testing.PostgresServer;
import io.bulwark.runtime.testing.RedisServer;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Step-up fails closed when PostgreSQL or Redis stops, and works again when it is back (real servers stopped). */
class TwoFactorOutageTest {

    private static final Duration MAX_AGE = Duration.ofMinutes(5);

    @TempDir
    Path dataDir;

    private final MutableClock clock = new MutableClock(TwoFactorContract.T0);
    private final TotpGenerator totp = new TotpGenerator(TotpParameters.DEFAULT);

    private String code(TotpSecret secret) {
        return totp.codeAt(secret, clock.instant());
    }

    @Test
    void storeOrRedisDownRefusesEveryStepUpAndBackWorksAgain() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (PostgresServer postgres = PostgresServer.startPrivate(); RedisServer redis = RedisServer.startPrivate()) {
            Settings settings = Settings.defaults()
                    .withAudit(AuditSettings.defaults().withDataDir(dataDir)
                            .withJdbc(new JdbcSettings(postgres.jdbcUrl(), null, null, 2)))
                    .withRedis(new RedisSettings(redis.url(), Duration.ofMillis(500), 2))
                    .withTwoFactor(TwoFactorSettings.defaults().withKey(TwoFactorContract.key(), List.of()));
            try (TwoFactorEngine engine = TwoFactorEngine.create(settings, clock)) {
                TotpSecret secret = TotpSecret.fromBase32(engine.enroll("alice", "alice@example.com").secret());
                engine.confirm("alice", code(secret));
                clock.advance(Duration.ofSeconds(30));
                engine.stepUp(Caller.of("alice").session("s1").otp(code(secret)), MAX_AGE);

                redis.stop();
                assertThrows(GuardUnavailableException.class,
                        () -> engine.stepUp(Caller.of("alice").session("s1"), MAX_AGE),
                        "a fresh session cannot be confirmed without Redis: refused, not let through");
                redis.start();
                assertEquals(Reason.MISSING, assertThrows(TwoFactorRequiredException.class,
                        () -> engine.stepUp(Caller.of("alice").session("s1"), MAX_AGE)).reason(),
                        "Redis answers again; it keeps nothing on disk here, so the session is asked for a code");
                clock.advance(Duration.ofSeconds(30));
                engine.stepUp(Caller.of("alice").session("s1").otp(code(secret)), MAX_AGE);

                postgres.stop();
                clock.advance(Duration.ofSeconds(30));
                String next = code(secret);
                assertThrows(GuardUnavailableException.class,
                        () -> engine.stepUp(Caller.of("alice").session("s2").otp(next), MAX_AGE),
                        "a code cannot be checked without the store: refused");
                postgres.start();
                engine.stepUp(Caller.of("alice").session("s2").otp(next), MAX_AGE);
            }
        } finally {
            Log.setOutput(System.err);
        }
    }
}
