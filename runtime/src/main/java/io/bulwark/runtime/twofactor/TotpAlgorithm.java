package io.bulwark.runtime.twofactor;

/**
 * The HMAC behind a TOTP code (RFC 6238 §1.2). {@link #SHA1} is the default: it is the one every authenticator app
 * reads, and some (Google Authenticator on iOS among them, for years) ignore the {@code algorithm} parameter of an
 * otpauth URI and compute SHA1 codes whatever it says.
 */
public enum TotpAlgorithm {
    SHA1("HmacSHA1", 20),
    SHA256("HmacSHA256", 32),
    SHA512("HmacSHA512", 64);

    private final String jcaName;
    private final int secretBytes;

    TotpAlgorithm(String jcaName, int secretBytes) {
        this.jcaName = jcaName;
        this.secretBytes = secretBytes;
    }

    /** The {@code javax.crypto.Mac} algorithm name: {@code HmacSHA1}, {@code HmacSHA256}, {@code HmacSHA512}. */
    public String jcaName() {
        return jcaName;
    }

    /** The value of the otpauth URI's {@code algorithm} parameter: {@code SHA1}, {@code SHA256}, {@code SHA512}. */
    public String otpauthName() {
        return name();
    }

    /**
     * The size of a generated secret: the hash's output size (20, 32 or 64 bytes), as RFC 6238's reference
     * implementation and test vectors use and RFC 4226 §4 recommends (R6: at least 128 bits, 160 recommended).
     */
    public int secretBytes() {
        return secretBytes;
    }

    /**
     * The algorithm an otpauth URI names ({@code SHA1}, {@code SHA256}, {@code SHA512}, exactly).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static TotpAlgorithm fromOtpauthName(String name) {
        for (TotpAlgorithm a : values()) {
            if (a.otpauthName().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("TOTP algorithm '" + name + "' is not one of SHA1, SHA256, SHA512");
    }
}
