package io.bulwark.runtime.twofactor.store;

import io.bulwark.runtime.twofactor.crypto.SealedSecret;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is stored of one user's second factor: a row of {@code user_security_settings}, or a file of the file store.
 *
 * @param active         the confirmed secret, or null
 * @param enrolledAt     when it was confirmed, or null
 * @param pending        an enrollment waiting for its first code, or null
 * @param pendingSince   when it was started, or null
 * @param lastStep       the latest time step accepted for {@code active} (no code of it or an earlier step passes
 *                       again); -1 for none
 * @param failures       wrong codes in a row
 * @param nextAttemptAt  no code is checked before this, or null
 * @param lockedAt       when wrong codes locked the factor, or null
 * @param recoveryKeyId  the key the recovery hashes are made under, or null
 * @param recoveryHashes unused recovery codes, as {@link io.bulwark.runtime.twofactor.crypto.RecoveryHasher} hashes
 */
public record FactorRecord(String user, SealedSecret active, Instant enrolledAt, SealedSecret pending,
        Instant pendingSince, long lastStep, int failures, Instant nextAttemptAt, Instant lockedAt,
        String recoveryKeyId, List<String> recoveryHashes) {

    public FactorRecord {
        Objects.requireNonNull(user, "user");
        recoveryHashes = List.copyOf(recoveryHashes);
    }

    /** A user with nothing stored yet. */
    public static FactorRecord empty(String user) {
        return new FactorRecord(user, null, null, null, null, -1, 0, null, null, null, List.of());
    }

    public FactorRecord withPending(SealedSecret secret, Instant since) {
        return new FactorRecord(user, active, enrolledAt, secret, since, lastStep, failures, nextAttemptAt, lockedAt,
                recoveryKeyId, recoveryHashes);
    }

    /** The pending enrollment made active at {@code step}: no failures, no lock, a new set of recovery codes. */
    public FactorRecord confirmed(SealedSecret secret, Instant at, long step, String keyId, List<String> hashes) {
        return new FactorRecord(user, secret, at, null, null, step, 0, null, null, keyId, hashes);
    }

    public FactorRecord withActive(SealedSecret secret) {
        return new FactorRecord(user, secret, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, recoveryKeyId, recoveryHashes);
    }

    /** A code accepted: {@code step} spent (or -1 to keep the last step, for a recovery code), failures cleared. */
    public FactorRecord accepted(long step, List<String> remainingRecoveryHashes) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, Math.max(step, lastStep), 0, null,
                null, recoveryKeyId, remainingRecoveryHashes);
    }

    public FactorRecord withFailures(int count, Instant next, Instant locked) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, count, next, locked,
                recoveryKeyId, recoveryHashes);
    }

    public FactorRecord withRecovery(String keyId, List<String> hashes) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, keyId, hashes);
    }

    /** Secrets are sealed, but a record in a log line would still be more than anyone needs. */
    @Override
    public String toString() {
        return "FactorRecord[active=" + (active != null) + ", pending=" + (pending != null) + ", lastStep=" + lastStep
                + ", failures=" + failures + ", locked=" + (lockedAt != null) + ", recoveryCodes="
                + recoveryHashes.size() + "]";
    }
}
