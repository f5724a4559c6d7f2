package io.bulwark.runtime.twofactor.crypto;

import io.bulwark.runtime.secrets.Utf16;
import io.bulwark.runtime.twofactor.store.FactorRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals a whole factor record: an HMAC-SHA256, under a key derived from the TOTP key ({@link KeyRing}), over a
 * canonical encoding of every field — the user, the generation, both sealed secrets, the counters, the lock, the
 * times, the recovery code hashes. Someone with write access to the store (PostgreSQL's password, say) but not the
 * key cannot change any field (reset the failures, unlock, put back a spent recovery code, swap a row to another user)
 * without the record failing to open. Putting back a whole older copy (it carries its own valid seal) is recognised
 * by its generation: see {@code Generations}.
 *
 * <p>Stored as {@code <key id>:<64 hex digits>}; the key id lets rotation open seals made under an old key.
 */
public final class RowSeal {

    private final KeyRing keys;

    public RowSeal(KeyRing keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    /** The seal of {@code r} (its own {@code seal} field left out) under the current key. */
    public String seal(FactorRecord r) {
        KeyRing.Key key = keys.current();
        return key.id() + ":" + HexFormat.of().formatHex(mac(key, r));
    }

    /**
     * @throws SealedSecretException when {@code r} has no seal, a seal under a key no longer configured, or a seal
     *                               that does not match it: written by someone without the key
     */
    public void verify(FactorRecord r) throws SealedSecretException {
        String seal = r.seal();
        int colon = seal == null ? -1 : seal.indexOf(':');
        if (colon < 0) {
            throw new SealedSecretException("the stored second factor of this user carries no seal: it was written "
                    + "by someone without the key (or by a Bulwark before 0.1 issue 16; disable and enroll it again)");
        }
        KeyRing.Key key = keys.byId(seal.substring(0, colon));
        if (key == null) {
            throw new SealedSecretException("the stored second factor of this user is sealed under key "
                    + seal.substring(0, colon) + ", which is neither bulwark.totp.key nor in bulwark.totp.old-keys");
        }
        byte[] stored;
        try {
            stored = HexFormat.of().parseHex(seal, colon + 1, seal.length());
        } catch (IllegalArgumentException e) {
            throw new SealedSecretException("the stored second factor of this user has a damaged seal");
        }
        if (!MessageDigest.isEqual(stored, mac(key, r))) {
            throw new SealedSecretException("the stored second factor of this user does not match its seal: a field "
                    + "was changed by someone without the key");
        }
    }

    private static byte[] mac(KeyRing.Key key, FactorRecord r) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key.bytes(), "HmacSHA256"));
            byte[] sealKey = derive.doFinal("bulwark.factor-row.v1".getBytes(StandardCharsets.US_ASCII));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sealKey, "HmacSHA256"));
            mac.update(encode(r));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    /** Every field but the seal, each length-prefixed (or -1 for null), so that no two records encode alike. */
    static byte[] encode(FactorRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        bytes(out, Utf16.bytes(r.user()));
        number(out, r.generation());
        secret(out, r.active());
        instant(out, r.enrolledAt());
        secret(out, r.pending());
        instant(out, r.pendingSince());
        number(out, r.lastStep());
        number(out, r.failures());
        instant(out, r.nextAttemptAt());
        instant(out, r.lockedAt());
        text(out, r.recoveryKeyId());
        number(out, r.recoveryHashes().size());
        for (String hash : r.recoveryHashes()) {
            text(out, hash);
        }
        number(out, r.pendingFailures());
        instant(out, r.pendingNextAttemptAt());
        instant(out, r.pendingLockedAt());
        return out.toByteArray();
    }

    private static void secret(ByteArrayOutputStream out, SealedSecret s) {
        if (s == null) {
            number(out, -1);
        } else {
            text(out, s.keyId());
            bytes(out, s.blob());
        }
    }

    private static void instant(ByteArrayOutputStream out, Instant t) {
        if (t == null) {
            number(out, Long.MIN_VALUE);
        } else {
            number(out, t.getEpochSecond());
            number(out, t.getNano());
        }
    }

    private static void text(ByteArrayOutputStream out, String s) {
        if (s == null) {
            number(out, -1);
        } else {
            bytes(out, s.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        number(out, b.length);
        out.writeBytes(b);
    }

    private static void number(ByteArrayOutputStream out, long n) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (n >>> shift));
        }
    }
}
