package io.bulwark.runtime.twofactor.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The AES-256 keys second factors are encrypted under: the current one, which seals, and old ones, which only open
 * (rotation: a secret opened under an old key is sealed again under the current one when next used).
 *
 * <p>A key's id is derived from the key itself ({@code k} and 16 hex digits of a SHA-256 over a label and the key),
 * so that rotating needs no naming: put the new key in {@code bulwark.totp.key} and the previous one in
 * {@code bulwark.totp.old-keys}. The id is stored beside each ciphertext; it reveals nothing of a 256-bit key.
 */
public final class KeyRing {

    /** One key and its id. The bytes are the caller's to keep secret; {@link #toString()} shows the id only. */
    public record Key(String id, byte[] bytes) {

        @Override
        public String toString() {
            return "Key[" + id + "]";
        }
    }

    private final Key current;
    private final Map<String, Key> byId = new LinkedHashMap<>();

    private KeyRing(Key current, List<Key> old) {
        this.current = current;
        byId.put(current.id(), current);
        for (Key key : old) {
            byId.putIfAbsent(key.id(), key);
        }
    }

    /**
     * @throws IllegalArgumentException when a key is not 32 bytes
     */
    public static KeyRing of(byte[] current, List<byte[]> old) {
        List<Key> olds = new ArrayList<>();
        for (byte[] key : old) {
            olds.add(key(key));
        }
        return new KeyRing(key(current), olds);
    }

    private static Key key(byte[] bytes) {
        Objects.requireNonNull(bytes, "key");
        if (bytes.length != 32) {
            throw new IllegalArgumentException("an AES-256 key is 32 bytes, this one is " + bytes.length);
        }
        return new Key(idOf(bytes), bytes.clone());
    }

    static String idOf(byte[] key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("bulwark.key-id.v1\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            sha.update(key);
            return "k" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public Key current() {
        return current;
    }

    /** The key with {@code id}, or null when it is not configured (any more). */
    public Key byId(String id) {
        return byId.get(id);
    }
}
