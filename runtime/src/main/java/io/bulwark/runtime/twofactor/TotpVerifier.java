package io.bulwark.runtime.twofactor;

import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import javax.crypto.Mac;

/**
 * Checks a presented TOTP code against a secret, in constant time, over a window of the current time step and at
 * most one step either side (for clock drift and the time it takes to type), and says which step matched.
 *
 * <pre>{@code
 * TotpVerifier verifier = new TotpVerifier(TotpParameters.DEFAULT, 1);
 * OptionalLong step = verifier.verify(secret, presentedCode, clock.instant());
 * // Replay protection is the caller's, atomically with its store: accept only a step later than the last one.
 * if (step.isPresent() && step.getAsLong() > lastAcceptedStep) {
 *     lastAcceptedStep = step.getAsLong();
 *     ... accepted
 * }
 * }</pre>
 *
 * <p><b>Constant time.</b> The code of every step in the window is computed and compared, each with
 * {@link MessageDigest#isEqual} over arrays of the same fixed length, without stopping at a match; how long a
 * verification takes does not depend on whether or where the code matched. A presented code that is not exactly
 * {@code digits} ASCII digits ({@code 0-9}; no sign, space or other script's digits) is refused before any HMAC is
 * computed: that shortcut depends only on the presented text, never on the secret. Its length is checked first, so
 * an over-long input is not read.
 *
 * <p><b>More than one match.</b> Two steps of the window can have the same code (a few chances in a million with 6
 * digits, in a hundred million with 8). The verifier then returns the <em>latest</em> matching step. With the replay
 * rule above that is the safe choice: recording an earlier step would let the same code pass a second time as the
 * later step's code. It is also exactly the answer a verifier told the last accepted step would give: the latest
 * match is later than that step if and only if some match is.
 */
public final class TotpVerifier {

    private final TotpParameters parameters;
    private final int window;

    /**
     * @param window how many steps either side of the current one are accepted: 0 (the current step only) or 1
     *               (RFC 6238 §5.2 recommends at most one step of network delay; more only widens the guessing
     *               window)
     */
    public TotpVerifier(TotpParameters parameters, int window) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        if (window != 0 && window != 1) {
            throw new IllegalArgumentException("TOTP window must be 0 or 1 steps, was " + window);
        }
        this.window = window;
    }

    /**
     * The time step whose code {@code code} is, among the steps within the window of the one {@code now} falls in;
     * empty if none (a wrong code and a malformed one alike).
     *
     * @param code the code as the user typed it; {@code null} is refused like any malformed code
     * @throws IllegalArgumentException if {@code now} is before 1970
     */
    public OptionalLong verify(TotpSecret secret, CharSequence code, Instant now) {
        Objects.requireNonNull(secret, "secret");
        long current = parameters.stepAt(now);
        byte[] presented = parse(code, parameters.digits());
        if (presented == null) {
            return OptionalLong.empty();
        }
        int digits = parameters.digits();
        byte[] candidate = new byte[digits];
        Mac mac = Hotp.mac(parameters.algorithm(), secret);
        long matched = -1;
        try {
            for (long step = current - window; step <= current + window; step++) {
                if (step < 0) {
                    // Only in the first period after the epoch: no real clock reads that.
                    continue;
                }
                Hotp.ascii(Hotp.code(mac, step, digits), digits, candidate);
                // No early exit: every candidate is computed and compared. Steps ascend, so the last match is the
                // latest one (see the class comment).
                if (MessageDigest.isEqual(candidate, presented)) {
                    matched = step;
                }
            }
        } finally {
            Arrays.fill(candidate, (byte) 0);
            Arrays.fill(presented, (byte) 0);
        }
        return matched < 0 ? OptionalLong.empty() : OptionalLong.of(matched);
    }

    /**
     * The code as ASCII bytes if it is exactly {@code digits} characters {@code 0-9}, else null. The length is
     * checked before any character is read, so the work is bounded whatever the input.
     */
    static byte[] parse(CharSequence code, int digits) {
        if (code == null || code.length() != digits) {
            return null;
        }
        byte[] ascii = new byte[digits];
        for (int i = 0; i < digits; i++) {
            char c = code.charAt(i);
            // A plain range check: Character.isDigit would admit Arabic-Indic, fullwidth and other scripts' digits.
            if (c < '0' || c > '9') {
                Arrays.fill(ascii, (byte) 0);
                return null;
            }
            ascii[i] = (byte) c;
        }
        return ascii;
    }

    public TotpParameters parameters() {
        return parameters;
    }

    public int window() {
        return window;
    }
}
