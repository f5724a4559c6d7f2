/**
 * The TOTP core of the two-factor engine (RFC 4226, RFC 6238): secrets
 * ({@link io.bulwark.runtime.twofactor.TotpSecret}), codes ({@link io.bulwark.runtime.twofactor.TotpGenerator},
 * {@link io.bulwark.runtime.twofactor.TotpVerifier}), enrollment material
 * ({@link io.bulwark.runtime.twofactor.OtpAuthUri}, {@link io.bulwark.runtime.twofactor.EnrollmentQrCode}) and
 * recovery codes ({@link io.bulwark.runtime.twofactor.RecoveryCodes}). Pure computation: no storage, no clock of its
 * own, no logging. What must be remembered between calls, the last accepted step (replay), failed attempts and spent
 * recovery codes, belongs to the secret store and the step-up guard.
 */
package io.bulwark.runtime.twofactor;
