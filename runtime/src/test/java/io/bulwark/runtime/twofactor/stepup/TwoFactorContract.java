package io.bulwark.runtime.twofactor.stepup;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.TwoFactorRequiredException.Reason;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.config.TwoFactorSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.testing.Leaks;
import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every configuration of the two-factor engine must do, whatever its store: enrollment, step-up, replay,
 * guessing, recovery codes, tampering, rotation. Subclasses say where the state lives.
 */
abstract class TwoFactorContract {

    static final Duration FIVE_MINUTES = Duration.ofMinutes(5);
    /** The start of a 30-second step, so that a test knows which codes are in the window. */
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    final MutableClock clock = new MutableClock(T0);
    final List<TwoFactorEngine> engines = new ArrayList<>();
    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final byte[] keyA = key();
    final byte[] keyB = key();
    /** Everything secret this test has seen: none of it may appear in the log. */
    final List<String> secrets = new ArrayList<>();
    final String alice = "alice-" + UUID.randomUUID();

    /** The settings of one instance: its store (and Redis, for some), with {@code key} as bulwark.totp.key. */
    abstract Settings settings(byte[] key, List<byte[]> oldKeys);

    @BeforeEach
    void captureLog() {
        Log.setOutput(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void closeAndCheckTheLog() {
        Log.setOutput(System.err);
        engines.forEach(TwoFactorEngine::close);
        String text = log.toString(StandardCharsets.UTF_8);
        for (String secret : secrets) {
            assertFalse(Leaks.shows(text, secret), "the log shows a secret or code:\n" + text);
        }
    }

    static byte[] key() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    TwoFactorEngine engine() {
        return engine(keyA, List.of());
    }

    TwoFactorEngine engine(byte[] key, List<byte[]> oldKeys) {
        TwoFactorEngine engine = TwoFactorEngine.create(settings(key, oldKeys), clock);
        engines.add(engine);
        return engine;
    }

    /** A user enrolled and confirmed at T0 (whose code is spent); returns their secret. */
    TotpSecret enrolled(TwoFactorEngine engine, String user) {
        TwoFactorEnrollment e = engine.enroll(user, user + "@example.com");
        secrets.add(e.secret());
        TotpSecret secret = TotpSecret.fromBase32(e.secret());
        secrets.addAll(engine.confirm(user, code(secret, 0)));
        return secret;
    }

    /** The code of the step {@code offset} steps from the clock's. */
    String code(TotpSecret secret, int offset) {
        String code = new TotpGenerator(TotpParameters.DEFAULT)
                .codeAt(secret, clock.instant().plusSeconds(30L * offset));
        secrets.add(code);
        return code;
    }

    static Caller caller(String user, String session, String otp) {
        return Caller.of(user).session(session).otp(otp);
    }

    static Reason refusal(Runnable call) {
        return assertThrows(TwoFactorRequiredException.class, call::run).reason();
    }

    // --- enrollment ---

    @Test
    void enrollmentWaitsForItsFirstCodeWhichIsThenSpent() {
        TwoFactorEngine engine = engine();
        TwoFactorEnrollment e = engine.enroll(alice, "alice@example.com");
        secrets.add(e.secret());
        assertTrue(e.otpauthUri().startsWith("otpauth://totp/Bulwark:alice@example.com?secret=" + e.secret()));
        assertTrue(e.qrPng().length > 100 && e.qrText().length() > 100);
        assertEquals(TwoFactor.Status.PENDING, engine.status(alice));
        assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(alice, "s1", "123456"), FIVE_MINUTES)),
                "a pending enrollment protects nothing yet");

        TotpSecret secret = TotpSecret.fromBase32(e.secret());
        String wrong = code(secret, 5);
        assertEquals(Reason.INVALID, assertThrows(TwoFactorRequiredException.class,
                () -> engine.confirm(alice, wrong)).reason());
        assertEquals(TwoFactor.Status.PENDING, engine.status(alice));

        String first = code(secret, 0);
        List<String> recovery = engine.confirm(alice, first);
        secrets.addAll(recovery);
        assertEquals(10, recovery.size());
        assertEquals(TwoFactor.Status.ACTIVE, engine.status(alice));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s1", first), FIVE_MINUTES)),
                "the confirming code is spent");
    }

    @Test
    void anActiveFactorStaysUntilTheNewOneIsConfirmed() {
        TwoFactorEngine engine = engine();
        TotpSecret old = enrolled(engine, alice);
        TwoFactorEnrollment again = engine.enroll(alice, "alice@example.com");
        secrets.add(again.secret());
        assertEquals(TwoFactor.Status.ACTIVE, engine.status(alice));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", code(old, 1)), FIVE_MINUTES));
        clock.advance(Duration.ofSeconds(60));
        try (var scope = Bulwark.bind(caller(alice, "s1", null))) {
            engine.confirm(alice, code(TotpSecret.fromBase32(again.secret()), 0));
        }
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s2", code(old, 1)), FIVE_MINUTES)),
                "the old secret was replaced");
    }

    // --- step-up ---

    @Test
    void aSessionIsFreshForMaxAgeAfterACodeThenAskedAgain() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        assertEquals(Reason.MISSING, refusal(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES)));
        engine.stepUp(caller(alice, "s1", code(secret, 1)), FIVE_MINUTES);
        clock.advance(Duration.ofMinutes(4));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES), "fresh for 5 minutes");
        assertEquals(Reason.MISSING, refusal(() -> engine.stepUp(caller(alice, "s2", null), FIVE_MINUTES)),
                "another session of the same user is not fresh");
        assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller("mallory", "s1", null), FIVE_MINUTES)),
                "the same session id for another user (who has no factor) is not fresh");
        clock.advance(Duration.ofSeconds(61));
        TwoFactorRequiredException expired = assertThrows(TwoFactorRequiredException.class,
                () -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES));
        assertEquals(Reason.EXPIRED, expired.reason());
        assertEquals(401, expired.httpStatus());
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"a more recent second "
                + "factor is required\", max_age=300", expired.httpHeaders().get("WWW-Authenticate"));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", code(secret, 0)), FIVE_MINUTES));
    }

    @Test
    void replacingOrDisablingTheFactorEndsTheFreshnessOfItsSessionsInEveryInstance() {
        TwoFactorEngine engine = engine();
        TwoFactorEngine other = engine();
        TotpSecret old = enrolled(engine, alice);
        engine.stepUp(caller(alice, "s1", code(old, 1)), FIVE_MINUTES);
        clock.advance(Duration.ofSeconds(60));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES));

        // Replaced through another instance (or a shell): the session verified the old factor, so it is asked again.
        TwoFactorEnrollment again = other.enroll(alice, "alice@example.com");
        secrets.add(again.secret());
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES),
                "a pending enrollment changes nothing yet");
        TotpSecret replacement = TotpSecret.fromBase32(again.secret());
        // Replacing an active factor takes a fresh step-up in the replacing session (here on the other instance).
        other.stepUp(caller(alice, "s9", code(old, 0)), FIVE_MINUTES);
        try (var scope = Bulwark.bind(caller(alice, "s9", null))) {
            secrets.addAll(other.confirm(alice, code(replacement, 0)));
        }
        assertEquals(Reason.MISSING, refusal(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES)),
                "fresh under the replaced factor: asked again, as if never verified");
        clock.advance(Duration.ofSeconds(30));
        engine.stepUp(caller(alice, "s1", code(replacement, 0)), FIVE_MINUTES);
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES), "fresh under the new one");
        other.newRecoveryCodes(alice).forEach(secrets::add);
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES),
                "new recovery codes leave the factor, and its sessions, as they are");

        assertTrue(other.disable(alice));
        assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES)),
                "disabled: no session is fresh any more");
    }

    @Test
    void maxAgeZeroAsksForACodeOnEveryCall() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        engine.stepUp(caller(alice, "s1", code(secret, 1)), Duration.ZERO);
        assertEquals(Reason.EXPIRED, refusal(() -> engine.stepUp(caller(alice, "s1", null), Duration.ZERO)));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s1", null), FIVE_MINUTES),
                "a lenient method still sees the verification");
    }

    @Test
    void withoutASessionEveryCallNeedsItsOwnCode() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        String code = code(secret, 1);
        engine.stepUp(Caller.of(alice).otp(code), FIVE_MINUTES);
        assertEquals(Reason.MISSING, refusal(() -> engine.stepUp(Caller.of(alice), FIVE_MINUTES)));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(Caller.of(alice).otp(code), FIVE_MINUTES)));
    }

    @Test
    void noUserNoFactor() {
        TwoFactorEngine engine = engine();
        assertEquals(Reason.MISSING, refusal(() -> engine.stepUp(Caller.anonymous().otp("123456"), FIVE_MINUTES)));
        TwoFactorRequiredException e = assertThrows(TwoFactorRequiredException.class,
                () -> engine.stepUp(caller("nobody-" + UUID.randomUUID(), "s", "123456"), FIVE_MINUTES));
        assertEquals(Reason.NOT_ENROLLED, e.reason());
        assertEquals(403, e.httpStatus());
    }

    // --- replay and the window ---

    @Test
    void anAcceptedCodeIsNeverAcceptedAgainNorAnyCodeOfAnEarlierStep() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        clock.advance(Duration.ofSeconds(60));
        String now = code(secret, 0);
        String before = code(secret, -1);
        engine.stepUp(caller(alice, "s1", now), FIVE_MINUTES);
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s2", now), FIVE_MINUTES)));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s3", before), FIVE_MINUTES)),
                "a step earlier than the last accepted one");
    }

    @Test
    void aCodeAcceptedByOneInstanceIsRefusedByAnother() {
        TwoFactorEngine first = engine();
        TwoFactorEngine second = engine();
        TotpSecret secret = enrolled(first, alice);
        String code = code(secret, 1);
        first.stepUp(caller(alice, "s1", code), FIVE_MINUTES);
        assertEquals(Reason.INVALID, refusal(() -> second.stepUp(caller(alice, "s2", code), FIVE_MINUTES)));
    }

    @Test
    void theWindowIsOneStepEitherSideAndNoMore() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        clock.advance(Duration.ofMinutes(10));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "a", code(secret, -2)), FIVE_MINUTES)));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "b", code(secret, 2)), FIVE_MINUTES)));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "c", code(secret, -1)), FIVE_MINUTES),
                "the step before");
        clock.advance(Duration.ofSeconds(29));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "d", code(secret, 1)), FIVE_MINUTES),
                "in the last second of a step, the next step's code");
    }

    // --- guessing ---

    @Test
    void threeWrongCodesAreFreeThenEachWaitsLongerAndTheTenthLocksTheFactor() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        clock.advance(Duration.ofMinutes(2));
        String wrong = wrongCode(secret);
        for (int i = 1; i <= 3; i++) {
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s", wrong), FIVE_MINUTES)));
        }
        for (int failures = 3; failures < 9; failures++) {
            Duration delay = AttemptPolicy.delay(failures);
            TwoFactorRequiredException held = assertThrows(TwoFactorRequiredException.class,
                    () -> engine.stepUp(caller(alice, "s", code(secret, 0)), FIVE_MINUTES));
            assertEquals(Reason.THROTTLED, held.reason(), "even the right code waits, after " + failures);
            assertEquals(delay, held.retryAfter());
            assertEquals(429, held.httpStatus());
            assertEquals(Long.toString(delay.getSeconds()), held.httpHeaders().get("Retry-After"));
            clock.advance(delay);
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s", wrong), FIVE_MINUTES)));
        }
        clock.advance(AttemptPolicy.delay(9));
        assertEquals(Reason.LOCKED, refusal(() -> engine.stepUp(caller(alice, "s", wrong), FIVE_MINUTES)),
                "the tenth wrong code in a row locks");
        clock.advance(Duration.ofDays(1));
        assertEquals(Reason.LOCKED, refusal(() -> engine.stepUp(caller(alice, "s", code(secret, 0)), FIVE_MINUTES)));
        assertEquals(TwoFactor.Status.LOCKED, engine.status(alice));
        assertTrue(engine.unlock(alice));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s", code(secret, 0)), FIVE_MINUTES));
    }

    @Test
    void concurrentGuessesAreDecidedOneAfterTheOtherSoNoneSlipsPastTheDelay() throws Exception {
        TwoFactorEngine first = engine();
        TwoFactorEngine second = engine();
        TotpSecret secret = enrolled(first, alice);
        clock.advance(Duration.ofMinutes(2));
        String wrong = wrongCode(secret);
        int threads = 16;
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Reason>> results = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                TwoFactorEngine engine = t % 2 == 0 ? first : second;
                String session = "s" + t;
                results.add(pool.submit(() -> {
                    start.await();
                    return refusal(() -> engine.stepUp(caller(alice, session, wrong), FIVE_MINUTES));
                }));
            }
            start.countDown();
            int invalid = 0;
            int throttled = 0;
            for (var result : results) {
                Reason r = result.get();
                invalid += r == Reason.INVALID ? 1 : 0;
                throttled += r == Reason.THROTTLED ? 1 : 0;
            }
            assertEquals(AttemptPolicy.FREE, invalid, "exactly the free attempts were checked");
            assertEquals(threads - AttemptPolicy.FREE, throttled);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRightCodeClearsTheFailures() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        clock.advance(Duration.ofMinutes(2));
        String wrong = wrongCode(secret);
        refusal(() -> engine.stepUp(caller(alice, "s", wrong), FIVE_MINUTES));
        refusal(() -> engine.stepUp(caller(alice, "s", wrong), FIVE_MINUTES));
        engine.stepUp(caller(alice, "s", code(secret, 0)), FIVE_MINUTES);
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "t", wrong), FIVE_MINUTES)));
        }
    }

    @Test
    void malformedAndHostileCodesAreWrongCodesNeverErrors() {
        TwoFactorEngine engine = engine();
        enrolled(engine, alice);
        clock.advance(Duration.ofMinutes(2));
        List<String> hostile = List.of("+12345", "12 345", "\u0661\u0662\u0663\u0664\u0665\u0666", "1234567",
                "12345", "x".repeat(1_000_000), "\u0000\u0000\u0000\u0000\u0000\u0000", "\uD800\uDC00\uD800abc");
        for (int i = 0; i < 3; i++) {
            String code = hostile.get(i);
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s", code), FIVE_MINUTES)));
        }
        engine.unlock(alice);
        for (int i = 3; i < hostile.size(); i++) {
            String code = hostile.get(i);
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s", code), FIVE_MINUTES)));
            engine.unlock(alice);
        }
    }

    @Test
    void hostileUserIdsAreNotEnrolledAndCannotBeEnrolled() {
        TwoFactorEngine engine = engine();
        for (String user : List.of("x".repeat(10_000), "a\u0000b", "line\nbreak")) {
            assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(user, "s", "123456"), FIVE_MINUTES)));
            assertThrows(IllegalArgumentException.class, () -> engine.enroll(user, "someone"));
        }
    }

    // --- recovery codes ---

    @Test
    void aRecoveryCodePassesOnceAndANewSetCancelsTheOld() {
        TwoFactorEngine engine = engine();
        TwoFactorEnrollment e = engine.enroll(alice, "alice@example.com");
        secrets.add(e.secret());
        List<String> codes = engine.confirm(alice, code(TotpSecret.fromBase32(e.secret()), 0));
        secrets.addAll(codes);
        String typed = codes.get(3).toUpperCase().replace("-", " ");
        engine.stepUp(caller(alice, "s1", typed), FIVE_MINUTES);
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s2", codes.get(3)), FIVE_MINUTES)));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s3", codes.get(4)), FIVE_MINUTES));
        List<String> fresh = engine.newRecoveryCodes(alice);
        secrets.addAll(fresh);
        assertEquals(10, fresh.size());
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, "s4", codes.get(5)), FIVE_MINUTES)));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s5", fresh.get(0)), FIVE_MINUTES));
    }

    @Test
    void recoveryCodeGuessesCountAsWrongCodes() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        for (int i = 0; i < 3; i++) {
            refusal(() -> engine.stepUp(caller(alice, "s", "zzzzz-zzzzz"), FIVE_MINUTES));
        }
        assertEquals(Reason.THROTTLED, refusal(() -> engine.stepUp(caller(alice, "s", code(secret, 1)),
                FIVE_MINUTES)));
    }

    // --- storage ---

    @Test
    void aCiphertextCopiedToAnotherUsersRowIsRefusedNotAccepted() throws Exception {
        TwoFactorEngine engine = engine();
        TotpSecret aliceSecret = enrolled(engine, alice);
        String bob = "bob-" + UUID.randomUUID();
        enrolled(engine, bob);
        FactorStore store = engine.parts().store();
        FactorRecord aliceRecord = store.read(alice);
        store.update(bob, current -> new FactorStore.Outcome<>(current.withActive(aliceRecord.active()), null));
        assertThrows(GuardUnavailableException.class,
                () -> engine.stepUp(caller(bob, "s", code(aliceSecret, 1)), FIVE_MINUTES),
                "alice's secret in bob's row must not open");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("does not authenticate"), log.toString());
    }

    @Test
    void secretsMoveToTheNewKeyWhenNextUsedAndOpenOnlyUnderAKeyTheyKnow() throws Exception {
        TotpSecret secret = enrolled(engine(keyA, List.of()), alice);
        String idA = engine(keyA, List.of()).parts().store().read(alice).active().keyId();

        assertThrows(GuardUnavailableException.class,
                () -> engine(keyB, List.of()).stepUp(caller(alice, "s", code(secret, 1)), FIVE_MINUTES),
                "without the old key the secret cannot be read: refused, not let through");

        TwoFactorEngine rotated = engine(keyB, List.of(keyA));
        rotated.stepUp(caller(alice, "s", code(secret, 1)), FIVE_MINUTES);
        String idB = rotated.parts().store().read(alice).active().keyId();
        assertNotEquals(idA, idB, "sealed again under the new key");
        clock.advance(Duration.ofSeconds(60));
        assertDoesNotThrow(() -> engine(keyB, List.of()).stepUp(caller(alice, "t", code(secret, 0)), FIVE_MINUTES),
                "the old key is no longer needed for this secret");
    }

    @Test
    void disablingRemovesEverything() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        assertTrue(engine.disable(alice));
        assertFalse(engine.disable(alice));
        assertEquals(TwoFactor.Status.NOT_ENROLLED, engine.status(alice));
        assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(alice, "s", code(secret, 1)),
                FIVE_MINUTES)));
        assertThrows(TwoFactorRequiredException.class, () -> engine.newRecoveryCodes(alice));
    }

    /** A 6-digit code that is not the secret's for any step of the window. */
    String wrongCode(TotpSecret secret) {
        List<String> window = List.of(code(secret, -1), code(secret, 0), code(secret, 1));
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", 100_000 + i);
            if (!window.contains(candidate)) {
                return candidate;
            }
        }
    }

    static TwoFactorSettings twoFactor(byte[] key, List<byte[]> oldKeys) {
        return TwoFactorSettings.defaults().withKey(key, oldKeys);
    }

    // --- issue 16 ---

    /** Wrong confirmation codes used to be unlimited, and a pending enrollment never expired. */
    @Test
    void confirmationCodesAreAttemptLimitedAndThePendingEnrollmentExpires() {
        TwoFactorEngine engine = engine();
        TwoFactorEnrollment e = engine.enroll(alice, "alice@example.com");
        secrets.add(e.secret());
        TotpSecret secret = TotpSecret.fromBase32(e.secret());
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.INVALID, refusal(() -> engine.confirm(alice, code(secret, 7))));
        }
        assertEquals(Reason.THROTTLED, refusal(() -> engine.confirm(alice, code(secret, 0))),
                "the next code, even the right one, waits");
        for (int i = 3; i < 9; i++) {
            clock.advance(Duration.ofSeconds(65));
            assertEquals(Reason.INVALID, refusal(() -> engine.confirm(alice, code(secret, 7))));
        }
        clock.advance(Duration.ofSeconds(65));
        assertEquals(Reason.LOCKED, refusal(() -> engine.confirm(alice, code(secret, 7))), "the tenth locks it");
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Reason.LOCKED, refusal(() -> engine.confirm(alice, code(secret, 0))), "even the right code");

        TwoFactorEnrollment fresh = engine.enroll(alice, "alice@example.com");
        secrets.add(fresh.secret());
        assertEquals(TwoFactor.Status.PENDING, engine.status(alice));
        clock.advance(Duration.ofMinutes(10));
        assertEquals(TwoFactor.Status.NOT_ENROLLED, engine.status(alice), "expired");
        assertEquals(Reason.NOT_ENROLLED,
                refusal(() -> engine.confirm(alice, code(TotpSecret.fromBase32(fresh.secret()), 0))),
                "bulwark.totp.enrollment-ttl: 10 minutes by default");
    }

    /** Confirming used to replace an ACTIVE or LOCKED factor for anyone holding the password. */
    @Test
    void replacingAnActiveFactorNeedsAFreshStepUpInTheSameSessionAndALockedOneStaysLocked() {
        TwoFactorEngine engine = engine();
        TotpSecret old = enrolled(engine, alice);
        TwoFactorEnrollment attacker = engine.enroll(alice, "alice@example.com");
        secrets.add(attacker.secret());
        TotpSecret theirs = TotpSecret.fromBase32(attacker.secret());
        assertEquals(Reason.MISSING, refusal(() -> engine.confirm(alice, code(theirs, 0))), "no caller bound");
        try (var scope = Bulwark.bind(caller(alice, "s-attacker", null))) {
            assertEquals(Reason.MISSING, refusal(() -> engine.confirm(alice, code(theirs, 0))),
                    "a session that never stepped up");
        }
        engine.stepUp(caller(alice, "s1", code(old, 1)), FIVE_MINUTES);
        clock.advance(Duration.ofMinutes(6));
        TwoFactorEnrollment later = engine.enroll(alice, "alice@example.com");
        secrets.add(later.secret());
        try (var scope = Bulwark.bind(caller(alice, "s1", null))) {
            assertEquals(Reason.EXPIRED,
                    refusal(() -> engine.confirm(alice, code(TotpSecret.fromBase32(later.secret()), 0))),
                    "a step-up older than 5 minutes");
        }
        assertEquals(TwoFactor.Status.ACTIVE, engine.status(alice));
        assertDoesNotThrow(() -> engine.stepUp(caller(alice, "s2", code(old, 0)), FIVE_MINUTES), "the old one works");

        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(16));
            try {
                engine.stepUp(caller(alice, "s3", "000000"), FIVE_MINUTES);
            } catch (TwoFactorRequiredException expected) {
                // counted
            }
        }
        assertEquals(TwoFactor.Status.LOCKED, engine.status(alice));
        TwoFactorEnrollment again = engine.enroll(alice, "alice@example.com");
        secrets.add(again.secret());
        try (var scope = Bulwark.bind(caller(alice, "s2", null))) {
            assertEquals(Reason.LOCKED,
                    refusal(() -> engine.confirm(alice, code(TotpSecret.fromBase32(again.secret()), 0))));
        }
        assertEquals(TwoFactor.Status.LOCKED, engine.status(alice), "locked until unlock");
    }

    /** An older copy of the row put back (ten more guesses, a spent recovery code) used to be read as current. */
    @Test
    void aRolledBackOrEditedRowIsRefusedAndLogged() throws Exception {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        FactorStore raw = ((SealedStore) engine.parts().store()).raw();
        FactorRecord before = raw.read(alice);
        for (int i = 0; i < 3; i++) {
            assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(caller(alice, null, "000000"), FIVE_MINUTES)));
        }
        FactorRecord failed = raw.read(alice);
        raw.update(alice, current -> new FactorStore.Outcome<>(before, null));
        assertThrows(GuardUnavailableException.class,
                () -> engine.stepUp(caller(alice, null, code(secret, 1)), FIVE_MINUTES), "rolled back: 503");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("rolled back"), log.toString());

        raw.update(alice, current -> new FactorStore.Outcome<>(failed.withFailures(0, null, null), null));
        assertThrows(GuardUnavailableException.class,
                () -> engine().stepUp(caller(alice, null, code(secret, 2)), FIVE_MINUTES), "a field edited: 503");
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("does not match its seal"), log.toString());
    }

    /** "bob\uD800" used to read and disable bob?'s factor in PostgreSQL. */
    @Test
    void userIdsThatAreNotTextAreRefusedEverywhere() {
        TwoFactorEngine engine = engine();
        String bob = "bob?" + UUID.randomUUID();
        String lone = bob.replace('?', '\uD800');
        TotpSecret secret = enrolled(engine, bob);
        for (int i = 0; i < 12; i++) {
            assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(lone, "s", "000000"), FIVE_MINUTES)));
        }
        assertEquals(Reason.NOT_ENROLLED, refusal(() -> engine.stepUp(caller(lone, "s", null), FIVE_MINUTES)));
        assertThrows(IllegalArgumentException.class, () -> engine.disable(lone));
        assertThrows(IllegalArgumentException.class, () -> engine.status(lone));
        assertThrows(IllegalArgumentException.class, () -> engine.enroll("x\uDC00\uD800", "x"));
        assertThrows(IllegalArgumentException.class, () -> engine.unlock("bob\u0000"));
        assertEquals(TwoFactor.Status.ACTIVE, engine.status(bob), "bob?'s factor untouched");
        assertDoesNotThrow(() -> engine.stepUp(caller(bob, "s", code(secret, 1)), FIVE_MINUTES));
    }

    /** A second @Requires2FA call in one request with the code the first just accepted used to count as wrong. */
    @Test
    void oneCodeServesOneRequestAndOnlyThatRequest() {
        TwoFactorEngine engine = engine();
        TotpSecret secret = enrolled(engine, alice);
        Caller request = Caller.of(alice).otp(code(secret, 1));
        engine.stepUp(request, Duration.ZERO);
        assertDoesNotThrow(() -> engine.stepUp(request, Duration.ZERO), "the same request, its code");
        assertDoesNotThrow(() -> engine.stepUp(request, FIVE_MINUTES));
        assertEquals(Reason.INVALID, refusal(() -> engine.stepUp(Caller.of(alice).otp(request.otp()), Duration.ZERO)),
                "another request with the same code (equal, not the same) is a replay");
        assertEquals(TwoFactor.Status.ACTIVE, engine.status(alice));
    }

    /** A user without a factor used to get MISSING without a code and NOT_ENROLLED with one: an oracle. */
    @Test
    void aUserWithoutAFactorGetsTheSameAnswerWithOrWithoutACode() {
        TwoFactorEngine engine = engine();
        String nobody = "nobody-" + UUID.randomUUID();
        Reason without = refusal(() -> engine.stepUp(caller(nobody, "s", null), FIVE_MINUTES));
        Reason with = refusal(() -> engine.stepUp(caller(nobody, "s", "123456"), FIVE_MINUTES));
        assertEquals(with, without);
        assertEquals(Reason.NOT_ENROLLED, without);
    }
}
