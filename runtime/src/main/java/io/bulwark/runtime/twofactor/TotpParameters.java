package io.bulwark.runtime.twofactor;

import java.time.Instant;
import java.util.Objects;

/**
 * What a TOTP code is computed with besides the secret: the HMAC, the number of digits and the length of a time
 * step. The time steps count from the Unix epoch (RFC 6238's {@code T0 = 0}, the only value apps support).
 *
 * <pre>{@code
 * TotpParameters p = TotpParameters.DEFAULT;                            // SHA1, 6 digits, 30 s
 * TotpParameters strong = new TotpParameters(TotpAlgorithm.SHA256, 8, 30);
 * long step = p.stepAt(clock.instant());
 * }</pre>
 *
 * @param digits        6 or 8
 * @param periodSeconds the length of a time step, 15 to 300 seconds; 30 is what every app assumes
 */
public record TotpParameters(TotpAlgorithm algorithm, int digits, int periodSeconds) {

    /** SHA1, 6 digits, 30 seconds: what authenticator apps read when an otpauth URI says nothing else. */
    public static final TotpParameters DEFAULT = new TotpParameters(TotpAlgorithm.SHA1, 6, 30);

    /** Below this a user has no time to read and type a code. */
    static final int MIN_PERIOD_SECONDS = 15;
    /** Above this one code stays valid for minutes, and a window of ±1 step triples that. */
    static final int MAX_PERIOD_SECONDS = 300;

    public TotpParameters {
        Objects.requireNonNull(algorithm, "algorithm");
        if (digits != 6 && digits != 8) {
            throw new IllegalArgumentException("TOTP digits must be 6 or 8, was " + digits);
        }
        if (periodSeconds < MIN_PERIOD_SECONDS || periodSeconds > MAX_PERIOD_SECONDS) {
            throw new IllegalArgumentException("TOTP period must be " + MIN_PERIOD_SECONDS + " to "
                    + MAX_PERIOD_SECONDS + " seconds, was " + periodSeconds);
        }
    }

    /**
     * The time step {@code instant} falls in: {@code floor(epochSecond / periodSeconds)}.
     *
     * @throws IllegalArgumentException for an instant before 1970: a clock that reads so is broken, and a
     *                                  negative counter has no code
     */
    public long stepAt(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0) {
            throw new IllegalArgumentException("TOTP time " + instant + " is before the Unix epoch");
        }
        return seconds / periodSeconds;
    }

    /** The first instant of time step {@code step}. */
    public Instant stepStart(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("TOTP step must not be negative, was " + step);
        }
        return Instant.ofEpochSecond(Math.multiplyExact(step, periodSeconds));
    }
}
