package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.twofactor.RecoveryCodes;
import io.bulwark.runtime.twofactor.TotpVerifier;
import io.bulwark.runtime.twofactor.crypto.RecoveryHasher;
import io.bulwark.runtime.twofactor.crypto.SealedSecretException;
import io.bulwark.runtime.twofactor.crypto.SecretSealer;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import io.bulwark.runtime.twofactor.store.FactorStore;
import io.bulwark.runtime.twofactor.store.FactorStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Decides one presented code against a user's record, inside the store's update (so the record is held from the read
 * to the write): a lock or a pending delay refuses before anything is checked; a TOTP code passes only for a step
 * later than the last one accepted, in the store and, with Redis, in the shared ledger; a recovery code passes once;
 * anything else is a failure for {@link AttemptPolicy}.
 */
final class CodeCheck implements FactorStore.Change<Verdict> {

    /** A stored secret that does not open: not a wrong code but a damaged or tampered store. */
    static final class Tampered extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Tampered(SealedSecretException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final EngineParts parts;
    private final AttemptPolicy attempts;
    private final String user;
    private final String code;
    private final Instant now;

    CodeCheck(EngineParts parts, AttemptPolicy attempts, String user, String code, Instant now) {
        this.parts = parts;
        this.attempts = attempts;
        this.user = user;
        this.code = code;
        this.now = now;
    }

    @Override
    public FactorStore.Outcome<Verdict> apply(FactorRecord current) throws FactorStoreException {
        if (current == null || current.active() == null) {
            return new FactorStore.Outcome<>(current, Verdict.NOT_ENROLLED);
        }
        if (current.lockedAt() != null) {
            return new FactorStore.Outcome<>(current, Verdict.LOCKED);
        }
        if (current.nextAttemptAt() != null && now.isBefore(current.nextAttemptAt())) {
            Duration wait = Duration.between(now, current.nextAttemptAt());
            return new FactorStore.Outcome<>(current, Verdict.throttled(wait));
        }
        SecretSealer.Opened opened;
        try {
            opened = parts.sealer().open(current.active(), user, SecretSealer.Slot.ACTIVE);
        } catch (SealedSecretException e) {
            throw new Tampered(e);
        }
        try {
            FactorRecord accepted = acceptTotp(current, opened);
            if (accepted == null) {
                accepted = acceptRecoveryCode(current);
            }
            if (accepted != null) {
                if (opened.underOldKey()) {
                    // Rotation: the secret moves to the current key the first time it is used after the change.
                    accepted = accepted.withActive(parts.sealer().seal(opened.secret(), opened.parameters(), user,
                            SecretSealer.Slot.ACTIVE));
                }
                return new FactorStore.Outcome<>(accepted, Verdict.ACCEPTED);
            }
        } finally {
            opened.secret().destroy();
        }
        FactorRecord failed = attempts.failed(current, now);
        return new FactorStore.Outcome<>(failed, failed.lockedAt() != null ? Verdict.LOCKED : Verdict.INVALID);
    }

    private FactorRecord acceptTotp(FactorRecord current, SecretSealer.Opened opened) throws FactorStoreException {
        OptionalLong step = new TotpVerifier(opened.parameters(), 1).verify(opened.secret(), code, now);
        if (step.isEmpty() || step.getAsLong() <= current.lastStep()) {
            return null;
        }
        try {
            if (parts.ledger() != null && !parts.ledger().advance(user, step.getAsLong())) {
                // Redis saw this step already (another instance accepted the code first): a replay.
                return null;
            }
        } catch (StepUpStoreException e) {
            throw new FactorStoreException(e.getMessage(), e);
        }
        return current.accepted(step.getAsLong(), current.recoveryHashes());
    }

    private FactorRecord acceptRecoveryCode(FactorRecord current) {
        Optional<String> normalized = RecoveryCodes.normalize(code);
        if (normalized.isEmpty() || current.recoveryKeyId() == null) {
            return null;
        }
        RecoveryHasher hasher = parts.hasher();
        int found = hasher.find(current.recoveryKeyId(), current.recoveryHashes(), user, normalized.get());
        if (found < 0) {
            return null;
        }
        List<String> remaining = new ArrayList<>(current.recoveryHashes());
        remaining.remove(found);
        return current.accepted(-1, remaining);
    }
}
