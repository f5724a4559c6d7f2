package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.TwoFactor;
import io.bulwark.TwoFactorEnrollment;
import io.bulwark.TwoFactorRequiredException;
import io.bulwark.TwoFactorRequiredException.Reason;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.config.TwoFactorSettings;
import io.bulwark.runtime.log.Log;
import io.bulwark.runtime.twofactor.EnrollmentQrCode;
import io.bulwark.runtime.twofactor.OtpAuthUri;
import io.bulwark.runtime.twofactor.RecoveryCodes;
import io.bulwark.runtime.twofactor.TotpSecret;
import io.bulwark.runtime.twofactor.TotpVerifier;
import io.bulwark.runtime.twofactor.crypto.SealedSecretException;
import io.bulwark.runtime.twofactor.crypto.SecretSealer;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import io.bulwark.runtime.twofactor.store.FactorStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * The factor-management half of the two-factor engine: enrolling, confirming, new recovery codes, disabling,
 * unlocking and status. {@link TwoFactorEngine} keeps the step-up checks and hands these operations here; both
 * share its {@link EngineParts}, clock, attempt policy and the codes accepted in the current request (which let a
 * fresh step-up replace an active factor). Every store trouble refuses (fail closed) through the engine.
 */
final class Enrollment {

    private final TwoFactorEngine engine;
    private final Settings settings;
    private final AttemptPolicy attempts;

    Enrollment(TwoFactorEngine engine, Settings settings, AttemptPolicy attempts) {
        this.engine = engine;
        this.settings = settings;
        this.attempts = attempts;
    }

    TwoFactorEnrollment enroll(String user, String account) {
        TwoFactorEngine.requireUser(user);
        EngineParts p = engine.parts();
        TwoFactorSettings config = settings.twoFactor();
        TotpSecret secret = TotpSecret.generate(config.parameters().algorithm(), p.random());
        try {
            OtpAuthUri uri = OtpAuthUri.of(config.issuer(), account, secret, config.parameters());
            EnrollmentQrCode qr = EnrollmentQrCode.of(uri);
            var sealed = p.sealer().seal(secret, config.parameters(), user, SecretSealer.Slot.PENDING);
            Instant now = engine.now();
            update(p, user, current -> new FactorStore.Outcome<>(
                    (current == null ? FactorRecord.empty(user) : current).withPending(sealed, now), null));
            Log.info("two-factor enrollment started for user " + user);
            return new TwoFactorEnrollment(uri.toUriString(), secret.toBase32(), qr.toPng(), qr.toTerminalText());
        } finally {
            secret.destroy();
        }
    }

    /**
     * Confirms the pending enrollment. Wrong codes count as step-up codes do, on the pending enrollment's own counters
     * (delays, then a lock until a new enrollment); the enrollment expires after {@code bulwark.totp.enrollment-ttl}.
     * Replacing an active factor needs the bound caller to be that user with a step-up fresh within
     * {@link TwoFactorEngine#REPLACE_MAX_AGE} in the same session (or in the same request), and a locked factor stays
     * locked until {@link TwoFactorEngine#unlock}: a password alone can neither replace nor unlock a factor (issue 16).
     */
    List<String> confirm(String user, String code) {
        TwoFactorEngine.requireUser(user);
        EngineParts p = engine.parts();
        Instant now = engine.now();
        Caller caller = Bulwark.caller();
        List<String> codes = RecoveryCodes.generate(p.random());
        List<String> hashes = p.hasher().hash(user, codes.stream()
                .map(c -> RecoveryCodes.normalize(c).orElseThrow()).toList());
        Duration ttl = settings.twoFactor().enrollmentTtl();
        Verdict refusal = update(p, user, current -> {
            if (current == null || current.pending() == null) {
                return new FactorStore.Outcome<>(current, Verdict.NOT_ENROLLED);
            }
            if (!now.isBefore(current.pendingSince().plus(ttl))) {
                return new FactorStore.Outcome<>(current.withoutPending(), Verdict.NOT_ENROLLED);
            }
            if (current.active() != null) {
                if (current.lockedAt() != null) {
                    return new FactorStore.Outcome<>(current, Verdict.LOCKED);
                }
                Reason stepUp = freshForReplacement(p, caller, user, current, now);
                if (stepUp != null) {
                    return new FactorStore.Outcome<>(current, new Verdict(stepUp, Duration.ZERO));
                }
            }
            if (current.pendingLockedAt() != null) {
                return new FactorStore.Outcome<>(current, Verdict.LOCKED);
            }
            if (current.pendingNextAttemptAt() != null && now.isBefore(current.pendingNextAttemptAt())) {
                return new FactorStore.Outcome<>(current,
                        Verdict.throttled(Duration.between(now, current.pendingNextAttemptAt())));
            }
            SecretSealer.Opened opened = open(p, current, user, SecretSealer.Slot.PENDING);
            try {
                OptionalLong step = new TotpVerifier(opened.parameters(), 1).verify(opened.secret(), code, now);
                if (step.isEmpty()) {
                    FactorRecord failed = attempts.failedPending(current, now);
                    return new FactorStore.Outcome<>(failed,
                            failed.pendingLockedAt() != null ? Verdict.LOCKED : Verdict.INVALID);
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
            throw new TwoFactorRequiredException(refusal.refusal(),
                    refusal.refusal() == Reason.MISSING || refusal.refusal() == Reason.EXPIRED
                            ? TwoFactorEngine.REPLACE_MAX_AGE : Duration.ZERO, refusal.retryAfter());
        }
        Log.info("two-factor enrollment confirmed for user " + user + ": a new factor and recovery codes are active");
        return codes;
    }

    /**
     * Null when the bound caller verified {@code user}'s active factor lately in its session or request, else why not.
     */
    private Reason freshForReplacement(EngineParts p, Caller caller, String user, FactorRecord current, Instant now)
            throws FactorStoreException {
        if (caller == null || !user.equals(caller.user())) {
            return Reason.MISSING;
        }
        TwoFactorEngine.Accepted inRequest = engine.acceptedBy(caller);
        if (inRequest != null && inRequest.user().equals(user) && !inRequest.at().isBefore(current.enrolledAt())) {
            return null;
        }
        if (caller.session() == null) {
            return Reason.MISSING;
        }
        Instant verified;
        try {
            verified = p.freshness().verifiedAt(user, caller.session());
        } catch (StepUpStoreException e) {
            throw new FactorStoreException(e.getMessage(), e);
        }
        if (verified == null || !TwoFactorEngine.ofTheActiveFactor(current, verified)) {
            return Reason.MISSING;
        }
        return now.isAfter(verified.plus(TwoFactorEngine.REPLACE_MAX_AGE)) ? Reason.EXPIRED : null;
    }

    List<String> newRecoveryCodes(String user) {
        TwoFactorEngine.requireUser(user);
        EngineParts p = engine.parts();
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

    boolean disable(String user) {
        TwoFactorEngine.requireUser(user);
        boolean removed = update(engine.parts(), user, current -> current == null || current.isEmpty()
                ? new FactorStore.Outcome<>(current, false) : new FactorStore.Outcome<>(null, true));
        if (removed) {
            Log.info("two-factor disabled for user " + user);
        }
        return removed;
    }

    boolean unlock(String user) {
        TwoFactorEngine.requireUser(user);
        boolean unlocked = update(engine.parts(), user, current -> current == null
                || current.failures() == 0 && current.lockedAt() == null && current.nextAttemptAt() == null
                && current.pendingFailures() == 0
                ? new FactorStore.Outcome<>(current, false)
                : new FactorStore.Outcome<>(current.withFailures(0, null, null).withPendingFailures(0, null, null),
                        true));
        if (unlocked) {
            Log.info("two-factor unlocked for user " + user);
        }
        return unlocked;
    }

    TwoFactor.Status status(String user) {
        TwoFactorEngine.requireUser(user);
        FactorRecord r;
        try {
            r = engine.parts().store().read(user);
        } catch (FactorStoreException e) {
            throw engine.unavailable(e.getMessage());
        }
        if (r == null || r.active() == null) {
            return r != null && r.pending() != null
                    && engine.now().isBefore(r.pendingSince().plus(settings.twoFactor().enrollmentTtl()))
                    ? TwoFactor.Status.PENDING : TwoFactor.Status.NOT_ENROLLED;
        }
        return r.lockedAt() != null ? TwoFactor.Status.LOCKED : TwoFactor.Status.ACTIVE;
    }

    private <T> T update(EngineParts p, String user, FactorStore.Change<T> change) {
        try {
            return p.store().update(user, change);
        } catch (FactorStoreException e) {
            throw engine.unavailable(e.getMessage());
        } catch (CodeCheck.Tampered e) {
            throw engine.unavailable("user " + user + ": " + e.getMessage());
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

}
