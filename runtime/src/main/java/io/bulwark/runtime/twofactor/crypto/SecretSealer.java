package io.bulwark.runtime.twofactor.crypto;

import io.bulwark.runtime.secrets.Utf16;
import io.bulwark.runtime.twofactor.TotpAlgorithm;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts TOTP secrets for storage with AES-256-GCM, bound to their row: the associated data names the user, the
 * slot (the active factor or a pending enrollment) and the key id, so a ciphertext copied to another user's row, or
 * from the pending slot to the active one, fails to open instead of granting that user someone else's factor. The
 * algorithm, digits and period are sealed with the secret, so they cannot be changed in the row either.
 *
 * <p>Nonces are 12 random bytes from {@link SecureRandom}: a key seals one secret per enrollment, far below the
 * 2^32 messages NIST SP 800-38D allows random nonces under one key.
 */
public final class SecretSealer {

    /** Where a sealed secret sits in a user's record. */
    public enum Slot {
        ACTIVE, PENDING
    }

    /** A secret opened, with its parameters, and whether it was under an old key (so should be sealed again). */
    public record Opened(TotpSecret secret, TotpParameters parameters, boolean underOldKey) {
    }

    private static final int VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final KeyRing keys;
    private final SecureRandom random;

    public SecretSealer(KeyRing keys, SecureRandom random) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.random = Objects.requireNonNull(random, "random");
    }

    public SealedSecret seal(TotpSecret secret, TotpParameters parameters, String user, Slot slot) {
        KeyRing.Key key = keys.current();
        byte[] bytes = secret.bytes();
        byte[] plain = new byte[5 + bytes.length];
        plain[0] = VERSION;
        plain[1] = (byte) parameters.algorithm().ordinal();
        plain[2] = (byte) parameters.digits();
        plain[3] = (byte) (parameters.periodSeconds() >>> 8);
        plain[4] = (byte) parameters.periodSeconds();
        System.arraycopy(bytes, 0, plain, 5, bytes.length);
        Arrays.fill(bytes, (byte) 0);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher gcm = cipher(Cipher.ENCRYPT_MODE, key, nonce, user, slot);
            byte[] sealed = gcm.doFinal(plain);
            byte[] blob = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, blob, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, blob, NONCE_BYTES, sealed.length);
            return new SealedSecret(key.id(), blob);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every JVM", e);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    /**
     * @throws SealedSecretException when the key is not configured, or the ciphertext is not this user's and slot's
     *                               under that key (altered, swapped or damaged); the message names no secret
     */
    public Opened open(SealedSecret sealed, String user, Slot slot) throws SealedSecretException {
        KeyRing.Key key = keys.byId(sealed.keyId());
        if (key == null) {
            throw new SealedSecretException("the second factor of this user is encrypted under key " + sealed.keyId()
                    + ", which is neither bulwark.totp.key nor in bulwark.totp.old-keys");
        }
        byte[] blob = sealed.blob();
        if (blob.length < NONCE_BYTES + TAG_BITS / 8 + 5) {
            throw new SealedSecretException("the stored second factor of this user is damaged (too short)");
        }
        byte[] plain = null;
        try {
            Cipher gcm = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOf(blob, NONCE_BYTES), user, slot);
            plain = gcm.doFinal(blob, NONCE_BYTES, blob.length - NONCE_BYTES);
            if (plain[0] != VERSION || plain[1] < 0 || plain[1] >= TotpAlgorithm.values().length) {
                throw new SealedSecretException("the stored second factor of this user has an unknown format");
            }
            TotpParameters parameters = new TotpParameters(TotpAlgorithm.values()[plain[1]], plain[2],
                    (plain[3] & 0xff) << 8 | plain[4] & 0xff);
            TotpSecret secret = TotpSecret.of(Arrays.copyOfRange(plain, 5, plain.length));
            return new Opened(secret, parameters, !key.id().equals(keys.current().id()));
        } catch (AEADBadTagException e) {
            throw new SealedSecretException("the stored second factor of this user does not authenticate under key "
                    + key.id() + ": it was altered, or copied from another user or slot");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new SealedSecretException("the stored second factor of this user cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        } finally {
            Arrays.fill(blob, (byte) 0);
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }

    private static Cipher cipher(int mode, KeyRing.Key key, byte[] nonce, String user, Slot slot)
            throws GeneralSecurityException {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(mode, new SecretKeySpec(key.bytes(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        gcm.updateAAD(associatedData(key.id(), user, slot));
        return gcm;
    }

    /** The label, key id and slot, then the user as UTF-16 code units (lossless, unlike UTF-8 for lone surrogates). */
    static byte[] associatedData(String keyId, String user, Slot slot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 2 * user.length());
        out.writeBytes(("bulwark.totp.v1\0" + keyId + "\0" + slot.name() + "\0").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(Utf16.bytes(user));
        return out.toByteArray();
    }
}
