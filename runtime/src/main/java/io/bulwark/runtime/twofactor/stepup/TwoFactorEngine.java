package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.Caller;
import io.bulwark.GuardUnavailableException;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.TwoFactorRequiredException.Reason;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.internal.TwoFactorOperations;
import io.bulwark.internal.TwoFactorRules;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.config.TwoFactorSettings;
import io.bulwark.runtime.keys.LocalKeyFile;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.twofactor.EnrollmentQrCode;
import io.bulwark.runtime.twofactor.OtpAuthUri;
import io.bulwark.runtime.twofactor.RecoveryCodes;
import io.bulwark.runtime.twofactor.TotpSecret;
import io.bulwark.runtime.twofactor.TotpVerifier;
import io.bulwark.runtime.twofactor.crypto.KeyRing;
import io.bulwark.runtime.twofactor.crypto.RecoveryHasher;
import io.bulwark.runtime.twofactor.crypto.SealedSecretException;
import io.bulwark.runtime.twofactor.crypto.SecretSealer;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import io.bulwark.runtime.twofactor.store.FactorStoreException;
import io.bulwark.runtime.twofactor.store.FileFactorStore;
import io.bulwark.runtime.twofactor.store.PostgresFactorStore;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The two-factor engine: step-up checks for {@code @Requires2FA} and the operations of {@link TwoFactor}. Secrets
 * and their state live in a {@link FactorStore}; session freshness and the replay ledger in Redis when configured.
 * Nothing is opened until first used. Every store, Redis or key trouble refuses (fail closed) with
 * {@link GuardUnavailableException}, and is logged without any secret.
 */
public final class TwoFactorEngine implements TwoFactorOperations, AutoCloseable {

    /** Longer user ids are refused: they would only be someone's attempt to bloat a store. */
    static final int MAX_USER_LENGTH = 256;
    private static final String GUARD = "two-factor";

    private final Settings settings;
    private final Clock clock;
    private final AttemptPolicy attempts;
    private final String problem;
    private volatile EngineParts parts;

    private TwoFactorEngine(Settings settings, Clock clock, String problem) {
        this.settings = settings;
        this.clock = clock;
        this.attempts = new AttemptPolicy(settings.twoFactor().maxFailures());
        this.problem = problem;
    }

    public static TwoFactorEngine create(Settings settings, Clock clock) {
        return new TwoFactorEngine(settings, clock, TwoFactorSetup.problem(settings));
    }

    /** Why the engine cannot work with this configuration, or null. */
    public String problem() {
        return problem;
    }

    /** {@code second factors in files under bulwark-data/2fa}: for the startup line. */
    public String describe() {
        return TwoFactorSetup.describe(settings);
    }

    /**
     * Lets the call through when the caller's session verified a code within {@code maxAge}, or when the code it
     * presents is accepted (the session is then fresh).
     *
     * @return true when a code was verified now, false when the session was fresh (for monitoring)
     * @throws TwoFactorRequiredException why not
     * @throws GuardUnavailableException  when the stores cannot answer
     */
    public boolean stepUp(Caller caller, Duration maxAge) {
        String user = caller.user();
        if (user == null) {
            throw new TwoFactorRequiredException(Reason.MISSING, maxAge);
        }
        EngineParts p = parts();
        Instant now = now();
        String session = caller.session();
        Instant verified = null;
        try {
            if (session != null) {
                verified = p.freshness().verifiedAt(user, session);
                if (verified != null && !ofTheActiveFactor(p, user, verified)) {
                    verified = null;
                }
                if (verified != null && !maxAge.isZero() && !now.isAfter(verified.plus(maxAge))) {
                    return false;
                }
            }
            String code = caller.otp();
            if (code == null || code.isEmpty()) {
                throw new TwoFactorRequiredException(verified != null ? Reason.EXPIRED : Reason.MISSING, maxAge);
            }
            Verdict verdict = verify(p, user, code, now);
            if (!verdict.accepted()) {
                throw new TwoFactorRequiredException(verdict.refusal(), maxAge, verdict.retryAfter());
            }
            if (session != null) {
                p.freshness().markVerified(user, session, now);
            }
            return true;
        } catch (StepUpStoreException e) {
            throw unavailable(e.getMessage());
        }
    }

    /**
     * Whether a session's verification at {@code verified} was of the factor active now: a factor disabled or
     * replaced since (a lost phone, a stolen session) takes its sessions' freshness with it, in every instance and
     * whoever changed it (another instance, {@code 2fa disable} from a shell), because the store is asked, not the
     * memory of whoever made the change. One store read per call that finds its session marked; a lock or new
     * recovery codes leave the factor, and so its sessions, as they are.
     */
    private boolean ofTheActiveFactor(EngineParts p, String user, Instant verified) {
        FactorRecord r;
        try {
            r = p.store().read(user);
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        }
        // At or after the confirmation: a code verified in the confirming instant is of the new factor (clocks with
        // a coarse tick). Instances whose clocks lag ask again until they pass it, which is safe.
        return r != null && r.active() != null && r.enrolledAt() != null && !verified.isBefore(r.enrolledAt());
    }

    private Verdict verify(EngineParts p, String user, String code, Instant now) {
        if (!validUser(user)) {
            return Verdict.NOT_ENROLLED;
        }
        try {
            return p.store().update(user, new CodeCheck(p, attempts, user, code, now));
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        } catch (CodeCheck.Tampered e) {
            throw unavailable("user " + user + ": " + e.getMessage());
        }
    }

    @Override
    public TwoFactorEnrollment enroll(String user, String account) {
        requireUser(user);
        EngineParts p = parts();
        TwoFactorSettings config = settings.twoFactor();
        TotpSecret secret = TotpSecret.generate(config.parameters().algorithm(), p.random());
        try {
            OtpAuthUri uri = OtpAuthUri.of(config.issuer(), account, secret, config.parameters());
            EnrollmentQrCode qr = EnrollmentQrCode.of(uri);
            var sealed = p.sealer().seal(secret, config.parameters(), user, SecretSealer.Slot.PENDING);
            Instant now = now();
            update(p, user, current -> new FactorStore.Outcome<>(
                    (current == null ? FactorRecord.empty(user) : current).withPending(sealed, now), null));
            Log.info("two-factor enrollment started for user " + user);
            return new TwoFactorEnrollment(uri.toUriString(), secret.toBase32(), qr.toPng(), qr.toTerminalText());
        } finally {
            secret.destroy();
        }
    }

    @Override
    public List<String> confirm(String user, String code) {
        requireUser(user);
        EngineParts p = parts();
        Instant now = now();
        List<String> codes = RecoveryCodes.generate(p.random());
        List<String> hashes = p.hasher().hash(user, codes.stream()
                .map(c -> RecoveryCodes.normalize(c).orElseThrow()).toList());
        Reason refusal = update(p, user, current -> {
            if (current == null || current.pending() == null) {
                return new FactorStore.Outcome<>(current, Reason.NOT_ENROLLED);
            }
            SecretSealer.Opened opened = open(p, current, user, SecretSealer.Slot.PENDING);
            try {
                OptionalLong step = new TotpVerifier(opened.parameters(), 1).verify(opened.secret(), code, now);
                if (step.isEmpty()) {
                    return new FactorStore.Outcome<>(current, Reason.INVALID);
                }
                raiseLedger(p, user, step.getAsLong());
                var active = p.sealer().seal(opened.secret(), opened.parameters(), user, SecretSealer.Slot.ACTIVE);
                return new FactorStore.Outcome<>(current.confirmed(active, now, step.getAsLong(),
                        p.hasher().currentKeyId(), hashes), null);
            } finally {
                opened.secret().destroy();
            }
        });
        if (refusal != null) {
            throw new TwoFactorRequiredException(refusal, Duration.ZERO);
        }
        Log.info("two-factor enrollment confirmed for user " + user + ": a new factor and recovery codes are active");
        return codes;
    }

    @Override
    public List<String> newRecoveryCodes(String user) {
        requireUser(user);
        EngineParts p = parts();
        List<String> codes = RecoveryCodes.generate(p.random());
        List<String> hashes = p.hasher().hash(user, codes.stream()
                .map(c -> RecoveryCodes.normalize(c).orElseThrow()).toList());
        boolean done = update(p, user, current -> current == null || current.active() == null
                ? new FactorStore.Outcome<>(current, false)
                : new FactorStore.Outcome<>(current.withRecovery(p.hasher().currentKeyId(), hashes), true));
        if (!done) {
            throw new TwoFactorRequiredException(Reason.NOT_ENROLLED, Duration.ZERO);
        }
        Log.info("new recovery codes issued for user " + user + "; the earlier ones no longer work");
        return codes;
    }

    @Override
    public boolean disable(String user) {
        requireUser(user);
        boolean removed = update(parts(), user, current -> new FactorStore.Outcome<>(null, current != null));
        if (removed) {
            Log.info("two-factor disabled for user " + user);
        }
        return removed;
    }

    @Override
    public boolean unlock(String user) {
        requireUser(user);
        boolean unlocked = update(parts(), user, current -> current == null
                || current.failures() == 0 && current.lockedAt() == null && current.nextAttemptAt() == null
                ? new FactorStore.Outcome<>(current, false)
                : new FactorStore.Outcome<>(current.withFailures(0, null, null), true));
        if (unlocked) {
            Log.info("two-factor unlocked for user " + user);
        }
        return unlocked;
    }

    @Override
    public TwoFactor.Status status(String user) {
        requireUser(user);
        FactorRecord r;
        try {
            r = parts().store().read(user);
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        }
        if (r == null || r.active() == null) {
            return r != null && r.pending() != null ? TwoFactor.Status.PENDING : TwoFactor.Status.NOT_ENROLLED;
        }
        return r.lockedAt() != null ? TwoFactor.Status.LOCKED : TwoFactor.Status.ACTIVE;
    }

    private <T> T update(EngineParts p, String user, FactorStore.Change<T> change) {
        try {
            return p.store().update(user, change);
        } catch (FactorStoreException e) {
            throw unavailable(e.getMessage());
        } catch (CodeCheck.Tampered e) {
            throw unavailable("user " + user + ": " + e.getMessage());
        }
    }

    private static SecretSealer.Opened open(EngineParts p, FactorRecord r, String user, SecretSealer.Slot slot) {
        try {
            return p.sealer().open(slot == SecretSealer.Slot.ACTIVE ? r.active() : r.pending(), user, slot);
        } catch (SealedSecretException e) {
            throw new CodeCheck.Tampered(e);
        }
    }

    private static void raiseLedger(EngineParts p, String user, long step) throws FactorStoreException {
        if (p.ledger() == null) {
            return;
        }
        try {
            p.ledger().raise(user, step);
        } catch (StepUpStoreException e) {
            throw new FactorStoreException(e.getMessage(), e);
        }
    }

    private static boolean validUser(String user) {
        if (user.isEmpty() || user.length() > MAX_USER_LENGTH) {
            return false;
        }
        for (int i = 0; i < user.length(); i++) {
            if (Character.isISOControl(user.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void requireUser(String user) {
        Objects.requireNonNull(user, "user");
        if (!validUser(user)) {
            throw new IllegalArgumentException("a user id for two-factor must be 1 to " + MAX_USER_LENGTH
                    + " characters without control characters");
        }
    }

    /** Microseconds, as PostgreSQL keeps them: what was stored reads back equal. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private GuardUnavailableException unavailable(String why) {
        Log.error("two-factor refused a call because it cannot decide: " + why);
        return new GuardUnavailableException(GUARD, "the second factor store is unavailable");
    }

    EngineParts parts() {
        EngineParts p = parts;
        if (p != null) {
            return p;
        }
        synchronized (this) {
            if (parts == null) {
                if (problem != null) {
                    throw unavailable(problem);
                }
                parts = open();
            }
            return parts;
        }
    }

    private EngineParts open() {
        TwoFactorSettings config = settings.twoFactor();
        byte[] key = config.key();
        if (key == null) {
            try {
                key = LocalKeyFile.loadOrCreate(settings.audit().dataDir().resolve("2fa").resolve("totp.key"), 32);
            } catch (IOException e) {
                throw unavailable("cannot read or make the local TOTP key: " + e.getMessage());
            }
        }
        KeyRing keys = KeyRing.of(key, config.oldKeys());
        FactorStore store = settings.audit().jdbc() != null ? new PostgresFactorStore(settings.audit().jdbc())
                : new FileFactorStore(settings.audit().dataDir());
        Freshness freshness;
        StepLedger ledger = null;
        if (settings.redis() != null) {
            RedisStepUp redis = new RedisStepUp(settings.redis(), TwoFactorRules.MAX_AGE_LIMIT);
            freshness = redis;
            ledger = redis;
        } else {
            freshness = new MemoryFreshness(TwoFactorRules.MAX_AGE_LIMIT);
        }
        // Made here, not with the engine: a SecureRandom loads the JCA's providers, which premain should not wait for.
        SecureRandom random = new SecureRandom();
        return new EngineParts(store, new SecretSealer(keys, random), new RecoveryHasher(keys), freshness, ledger,
                random);
    }

    @Override
    public synchronized void close() {
        if (parts != null) {
            parts.store().close();
            parts.freshness().close();
            parts = null;
        }
    }
}
