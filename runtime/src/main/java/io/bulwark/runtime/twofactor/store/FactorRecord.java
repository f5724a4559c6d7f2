package io.bulwark.runtime.twofactor.store;

import io.bulwark.runtime.twofactor.crypto.SealedSecret;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What is stored of one user's second factor: a row of {@code user_security_settings}, or a file of the file store.
 *
 * @param active              the confirmed secret, or null
 * @param enrolledAt          when it was confirmed, or null
 * @param pending             an enrollment waiting for its first code, or null
 * @param pendingSince        when it was started, or null
 * @param lastStep            the latest time step accepted for {@code active} (no code of it or an earlier step
 *                            passes again); -1 for none
 * @param failures            wrong codes in a row
 * @param nextAttemptAt       no code is checked before this, or null
 * @param lockedAt            when wrong codes locked the factor, or null
 * @param recoveryKeyId       the key the recovery hashes are made under, or null
 * @param recoveryHashes      unused recovery codes, as {@link io.bulwark.runtime.twofactor.crypto.RecoveryHasher}
 *                            hashes
 * @param pendingFailures     wrong confirmation codes in a row for {@code pending}
 * @param pendingNextAttemptAt no confirmation code is checked before this, or null
 * @param pendingLockedAt     when wrong confirmation codes locked the pending enrollment, or null
 * @param generation          how many times the record was written: it only grows (a record removed by
 *                            {@code disable} stays as an empty one), so an older copy put back is recognised
 * @param seal                {@code <key id>:<hex>}, the MAC of every other field under the TOTP key
 *                            ({@link io.bulwark.runtime.twofactor.crypto.RowSeal}), or null before the first write
 */
public record FactorRecord(String user, SealedSecret active, Instant enrolledAt, SealedSecret pending,
        Instant pendingSince, long lastStep, int failures, Instant nextAttemptAt, Instant lockedAt,
        String recoveryKeyId, List<String> recoveryHashes, int pendingFailures, Instant pendingNextAttemptAt,
        Instant pendingLockedAt, long generation, String seal) {

    public FactorRecord {
        Objects.requireNonNull(user, "user");
        recoveryHashes = List.copyOf(recoveryHashes);
    }

    /** A user with nothing stored yet. */
    public static FactorRecord empty(String user) {
        return new FactorRecord(user, null, null, null, null, -1, 0, null, null, null, List.of(), 0, null, null, 0,
                null);
    }

    /** Nothing but the generation: what {@code disable} leaves, so that the generation keeps growing. */
    public FactorRecord cleared() {
        return new FactorRecord(user, null, null, null, null, -1, 0, null, null, null, List.of(), 0, null, null,
                generation, seal);
    }

    /** Whether it holds neither a factor nor an enrollment. */
    public boolean isEmpty() {
        return active == null && pending == null;
    }

    /** A new pending enrollment, its counters cleared. */
    public FactorRecord withPending(SealedSecret secret, Instant since) {
        return new FactorRecord(user, active, enrolledAt, secret, since, lastStep, failures, nextAttemptAt, lockedAt,
                recoveryKeyId, recoveryHashes, 0, null, null, generation, seal);
    }

    /** The pending enrollment and its counters dropped. */
    public FactorRecord withoutPending() {
        return new FactorRecord(user, active, enrolledAt, null, null, lastStep, failures, nextAttemptAt, lockedAt,
                recoveryKeyId, recoveryHashes, 0, null, null, generation, seal);
    }

    /** The pending enrollment made active at {@code step}: no failures, no lock, a new set of recovery codes. */
    public FactorRecord confirmed(SealedSecret secret, Instant at, long step, String keyId, List<String> hashes) {
        return new FactorRecord(user, secret, at, null, null, step, 0, null, null, keyId, hashes, 0, null, null,
                generation, seal);
    }

    public FactorRecord withActive(SealedSecret secret) {
        return new FactorRecord(user, secret, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, recoveryKeyId, recoveryHashes, pendingFailures, pendingNextAttemptAt, pendingLockedAt,
                generation, seal);
    }

    /** A code accepted: {@code step} spent (or -1 to keep the last step, for a recovery code), failures cleared. */
    public FactorRecord accepted(long step, List<String> remainingRecoveryHashes) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, Math.max(step, lastStep), 0, null,
                null, recoveryKeyId, remainingRecoveryHashes, pendingFailures, pendingNextAttemptAt, pendingLockedAt,
                generation, seal);
    }

    public FactorRecord withFailures(int count, Instant next, Instant locked) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, count, next, locked,
                recoveryKeyId, recoveryHashes, pendingFailures, pendingNextAttemptAt, pendingLockedAt, generation,
                seal);
    }

    public FactorRecord withPendingFailures(int count, Instant next, Instant locked) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, recoveryKeyId, recoveryHashes, count, next, locked, generation, seal);
    }

    public FactorRecord withRecovery(String keyId, List<String> hashes) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, keyId, hashes, pendingFailures, pendingNextAttemptAt, pendingLockedAt, generation, seal);
    }

    public FactorRecord withGeneration(long next, String newSeal) {
        return new FactorRecord(user, active, enrolledAt, pending, pendingSince, lastStep, failures, nextAttemptAt,
                lockedAt, recoveryKeyId, recoveryHashes, pendingFailures, pendingNextAttemptAt, pendingLockedAt, next,
                newSeal);
    }

    /** Secrets are sealed, but a record in a log line would still be more than anyone needs. */
    @Override
    public String toString() {
        return "FactorRecord[active=" + (active != null) + ", pending=" + (pending != null) + ", lastStep=" + lastStep
                + ", failures=" + failures + ", locked=" + (lockedAt != null) + ", recoveryCodes="
                + recoveryHashes.size() + ", generation=" + generation + "]";
    }
}
