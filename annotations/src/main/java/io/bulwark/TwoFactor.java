package io.bulwark;

import io.bulwark.internal.Dispatch;
import java.util.List;

/**
 * Second factors of users: enrollment, recovery codes, disabling and unlocking. What {@link Requires2FA} verifies.
 *
 * <pre>{@code
 * // 1. show the user a QR code for their authenticator app (nothing changes until it is confirmed)
 * TwoFactorEnrollment e = TwoFactor.enroll(userId, "alice@example.com");
 * page.showPng(e.qrPng());                       // or e.otpauthUri(), or e.secret() to type in by hand
 * // 2. the user types the code their app shows: the factor is active, that code is spent
 * List<String> recovery = TwoFactor.confirm(userId, typedCode);   // show these 10 codes once
 * }</pre>
 *
 * <p>The same from a shell: {@code java -jar bulwark-agent.jar 2fa enroll alice}. Secrets are kept encrypted
 * (AES-256-GCM under {@code bulwark.totp.key}) in PostgreSQL's {@code user_security_settings} when
 * {@code bulwark.jdbc.url} is set, else in files under {@code bulwark.data-dir}; recovery codes only as keyed hashes.
 *
 * <p>Replacing a factor takes its user: enrolling again does not disable the active factor, and {@link #confirm}
 * replaces it only when the bound caller ({@link Bulwark#bind}) is that user and stepped up with the current factor
 * within 5 minutes, in the same session or the same request (a {@code @Requires2FA} call just before); a
 * {@link Status#LOCKED} factor stays locked until {@link #unlock}. A stolen password is not enough to swap in an
 * attacker's phone.
 *
 * <p>Every method throws {@link GuardUnavailableException} when the store cannot be reached (nothing changed) and
 * {@link IllegalStateException} when the Bulwark agent is not running in this JVM.
 */
public final class TwoFactor {

    /** Where a user stands. */
    public enum Status {
        /** No factor, nothing pending. */
        NOT_ENROLLED,
        /** An enrollment waits for its first code; no factor is active yet. */
        PENDING,
        /** A factor is active. */
        ACTIVE,
        /** A factor is active but locked after too many wrong codes: {@link #unlock} it. */
        LOCKED
    }

    private TwoFactor() {
    }

    /**
     * Starts an enrollment: a new random secret, waiting for its first code. An earlier pending enrollment is
     * replaced; an active factor stays active until this one is {@link #confirm confirmed}.
     *
     * @param user    the user's id, as bound with {@link Caller#of(String)}
     * @param account how the authenticator app labels the entry, usually the e-mail address
     */
    public static TwoFactorEnrollment enroll(String user, String account) {
        return Dispatch.twoFactor().enroll(user, account);
    }

    /**
     * Confirms the pending enrollment with the first code the app shows, which is then spent; the new factor
     * replaces an active one (see above), and a new set of recovery codes replaces any earlier set. Wrong codes are
     * limited as step-up codes are; an enrollment expires after {@code bulwark.totp.enrollment-ttl} (10 minutes).
     *
     * @return the 10 recovery codes, {@code xxxxx-xxxxx}: show them to the user once, they are not kept
     * @throws TwoFactorRequiredException {@link TwoFactorRequiredException.Reason#INVALID} for a wrong code,
     *                                    {@code THROTTLED} or {@code LOCKED} after too many,
     *                                    {@link TwoFactorRequiredException.Reason#NOT_ENROLLED} when nothing is
     *                                    pending (or it expired), {@code MISSING} or {@code EXPIRED} when an active
     *                                    factor would be replaced without a fresh step-up, {@code LOCKED} when the
     *                                    active factor is locked
     */
    public static List<String> confirm(String user, String code) {
        return Dispatch.twoFactor().confirm(user, code);
    }

    /**
     * A new set of recovery codes for a user with an active factor; the earlier set stops working.
     *
     * @throws TwoFactorRequiredException {@link TwoFactorRequiredException.Reason#NOT_ENROLLED} without one
     */
    public static List<String> newRecoveryCodes(String user) {
        return Dispatch.twoFactor().newRecoveryCodes(user);
    }

    /** Removes the user's factor, pending enrollment and recovery codes; whether there was anything to remove. */
    public static boolean disable(String user) {
        return Dispatch.twoFactor().disable(user);
    }

    /** Lifts a lock (and the delays) that wrong codes put on the user's factor; whether it was locked or delayed. */
    public static boolean unlock(String user) {
        return Dispatch.twoFactor().unlock(user);
    }

    public static Status status(String user) {
        return Dispatch.twoFactor().status(user);
    }
}
