package io.bulwark.runtime.twofactor.crypto;

import io.bulwark.runtime.secrets.Utf16;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Recovery codes as stored: an HMAC-SHA256 of the user and the normalized code under a key derived from the TOTP key
 * ({@link KeyRing}), so a copy of the table alone does not let anyone test guesses offline, and a hash copied to
 * another user's row does not match there. Kept with the id of the key they were made under: they stay valid while
 * that key is configured (as {@code bulwark.totp.key} or among the old keys); a new set is made under the current one.
 */
public final class RecoveryHasher {

    private final KeyRing keys;

    public RecoveryHasher(KeyRing keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The id of the key new hashes are made under. */
    public String currentKeyId() {
        return keys.current().id();
    }

    /** The hashes of {@code normalizedCodes} under the current key, in order, as hex. */
    public List<String> hash(String user, List<String> normalizedCodes) {
        List<String> hashes = new ArrayList<>(normalizedCodes.size());
        for (String code : normalizedCodes) {
            hashes.add(HexFormat.of().formatHex(mac(keys.current(), user, code)));
        }
        return hashes;
    }

    /**
     * The index in {@code hashes} of {@code normalizedCode}'s hash under key {@code keyId}, or -1. Every stored hash
     * is compared, in constant time each, whether or not one matched.
     */
    public int find(String keyId, List<String> hashes, String user, String normalizedCode) {
        KeyRing.Key key = keys.byId(keyId);
        if (key == null) {
            return -1;
        }
        byte[] presented = mac(key, user, normalizedCode);
        int found = -1;
        for (int i = 0; i < hashes.size(); i++) {
            byte[] stored;
            try {
                stored = HexFormat.of().parseHex(hashes.get(i));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(stored, presented)) {
                found = i;
            }
        }
        return found;
    }

    private static byte[] mac(KeyRing.Key key, String user, String code) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            byte[] recoveryKey = derive.doFinal("bulwark.recovery-codes.v1".getBytes(StandardCharsets.US_ASCII));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(recoveryKey, "HmacSHA256"));
            mac.update(Utf16.bytes(user));
            mac.update((byte) 0);
            return mac.doFinal(code.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }
}
