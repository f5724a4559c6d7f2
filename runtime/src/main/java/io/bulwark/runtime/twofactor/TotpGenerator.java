package io.bulwark.runtime.twofactor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * Computes TOTP codes (RFC 6238), as an authenticator app does: for tests of a step-up flow, a sample's command
 * line, or a service that sends codes itself. Verification belongs to {@link TotpVerifier}, which compares in
 * constant time.
 *
 * <pre>{@code
 * String code = new TotpGenerator(TotpParameters.DEFAULT).codeAt(secret, clock.instant());   // e.g. "054321"
 * }</pre>
 */
public final class TotpGenerator {

    private final TotpParameters parameters;

    public TotpGenerator(TotpParameters parameters) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
    }

    /** The code for the time step {@code instant} falls in, zero-padded to {@code digits} characters. */
    public String codeAt(TotpSecret secret, Instant instant) {
        return codeForStep(secret, parameters.stepAt(instant));
    }

    /** The code for time step {@code step} (RFC 4226's counter), zero-padded to {@code digits} characters. */
    public String codeForStep(TotpSecret secret, long step) {
        if (step < 0) {
            throw new IllegalArgumentException("TOTP step must not be negative, was " + step);
        }
        int digits = parameters.digits();
        byte[] ascii = new byte[digits];
        Hotp.ascii(Hotp.code(Hotp.mac(parameters.algorithm(), secret), step, digits), digits, ascii);
        return new String(ascii, StandardCharsets.US_ASCII);
    }

    public TotpParameters parameters() {
        return parameters;
    }
}
