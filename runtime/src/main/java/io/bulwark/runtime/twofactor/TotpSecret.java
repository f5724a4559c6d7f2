package io.bulwark.runtime.twofactor;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Destroyable;

/**
 * A TOTP shared secret. Holds its own copy of the bytes, never shows them in {@link #toString()}, and can be wiped
 * with {@link #destroy()} once it is stored or used.
 *
 * <pre>{@code
 * TotpSecret secret = TotpSecret.generate(TotpAlgorithm.SHA1, secureRandom);   // 20 random bytes
 * try {
 *     store.save(user, secret.bytes());          // a copy: wipe it after
 *     show(OtpAuthUri.of("ACME", email, secret));
 * } finally {
 *     secret.destroy();
 * }
 * }</pre>
 *
 * <p>Wiping is best effort: the JCA's {@code Mac} and {@code SecretKeySpec} keep copies of the key that no public
 * API clears, and the Base32 text ({@link #toBase32()}) is a {@code String}, which cannot be wiped. Keep those
 * short-lived.
 *
 * <p>Two secrets are equal only if they are the same object: an {@code equals} over the bytes would compare secrets
 * in variable time, and a {@code hashCode} over them would publish a function of the secret.
 */
public final class TotpSecret implements Destroyable {

    /** RFC 4226 §4, R6: the shared secret must be at least 128 bits. */
    static final int MIN_BYTES = 16;
    /** SHA512's HMAC block; longer keys are hashed down anyway, so a longer secret would only cost work. */
    static final int MAX_BYTES = 128;

    private final byte[] bytes;
    private volatile boolean destroyed;

    private TotpSecret(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A new random secret of the size of {@code algorithm}'s hash output (20, 32 or 64 bytes).
     *
     * @param random a {@link SecureRandom}; the caller chooses it (e.g. {@code SecureRandom.getInstanceStrong()} or
     *               a shared {@code new SecureRandom()}) and tests can pin it
     */
    public static TotpSecret generate(TotpAlgorithm algorithm, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[algorithm.secretBytes()];
        random.nextBytes(bytes);
        return new TotpSecret(bytes);
    }

    /**
     * A secret holding a copy of {@code bytes} (e.g. decrypted from storage); the caller may wipe its array after.
     *
     * @throws IllegalArgumentException if it is shorter than 16 bytes (RFC 4226's minimum) or longer than 128
     */
    public static TotpSecret of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        checkLength(bytes.length);
        return new TotpSecret(bytes.clone());
    }

    /**
     * A secret entered as Base32 text (an import from another system, or a user typing it). Strict: see
     * {@link Base32#decode}.
     *
     * @throws IllegalArgumentException if the text is not Base32 or the secret is too short or long; the message
     *                                  never contains the text
     */
    public static TotpSecret fromBase32(CharSequence text) {
        byte[] decoded = Base32.decode(text);
        try {
            checkLength(decoded.length);
            return new TotpSecret(decoded.clone());
        } finally {
            Arrays.fill(decoded, (byte) 0);
        }
    }

    private static void checkLength(int length) {
        if (length < MIN_BYTES || length > MAX_BYTES) {
            throw new IllegalArgumentException("TOTP secret must be " + MIN_BYTES + " to " + MAX_BYTES
                    + " bytes (RFC 4226 requires at least 128 bits), was " + length);
        }
    }

    /** The number of bytes. */
    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes; the caller owns it and should wipe it after use. */
    public byte[] bytes() {
        checkNotDestroyed();
        return bytes.clone();
    }

    /**
     * The secret as upper-case Base32 without padding, for an otpauth URI or for typing into an app by hand. A
     * {@code String} cannot be wiped: show it, don't keep it.
     */
    public String toBase32() {
        checkNotDestroyed();
        return Base32.encode(bytes);
    }

    /** The HMAC key, without a copy of the bytes on the way ({@code SecretKeySpec} makes its own). */
    SecretKeySpec key(TotpAlgorithm algorithm) {
        checkNotDestroyed();
        return new SecretKeySpec(bytes, algorithm.jcaName());
    }

    /** Overwrites the bytes with zeros; every later use throws {@link IllegalStateException}. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkNotDestroyed() {
        if (destroyed) {
            throw new IllegalStateException("TOTP secret was destroyed");
        }
    }

    /** The length only, e.g. {@code TotpSecret[20 bytes]}. */
    @Override
    public String toString() {
        return destroyed ? "TotpSecret[destroyed]" : "TotpSecret[" + bytes.length + " bytes]";
    }
}
