package io.bulwark.runtime.twofactor.crypto;

import java.util.Objects;

/**
 * A TOTP secret (and its algorithm, digits and period) encrypted with AES-256-GCM: what a store keeps.
 *
 * @param keyId the id of the key it is sealed under ({@link KeyRing})
 * @param blob  the 12-byte nonce, then the ciphertext and its 16-byte tag
 */
public record SealedSecret(String keyId, byte[] blob) {

    public SealedSecret {
        Objects.requireNonNull(keyId, "keyId");
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedSecret s && keyId.equals(s.keyId) && java.util.Arrays.equals(blob, s.blob);
    }

    @Override
    public int hashCode() {
        return keyId.hashCode();
    }

    @Override
    public String toString() {
        return "SealedSecret[" + keyId + ", " + blob.length + " bytes]";
    }
}
