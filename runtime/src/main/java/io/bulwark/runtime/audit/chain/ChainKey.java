package io.bulwark.runtime.audit.chain;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.secrets.LocalKeyFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret the audit chain is keyed with: {@code bulwark.audit.chain-key}, else one made at random on first use and
 * kept in {@code <data-dir>/audit/chain.key} (0600). It is never written to PostgreSQL, so whoever holds the database
 * alone cannot compute an event's hash: a row rewritten there, with every hash after it recomputed, no longer verifies.
 *
 * <p>Two keys are derived from it, so that no message of one kind can pass for another: one seals events
 * ({@link #seal()}: {@code hash = HMAC-SHA-256(chain key, prevHash || encoding)}), one signs what is kept about the
 * chain outside it (checkpoints, retention records: {@link #sign}). Its {@link #id()} names it in those records and
 * in messages without revealing it.
 *
 * <p>Who must hold it: every verifier of the writers sealed under it. Instances that share a database and each made
 * their own key need the verifier to be given each one (or a configured key they all share).
 */
public final class ChainKey {

    /** The file a key is made in when none is configured: {@code <data-dir>/audit/chain.key}. */
    public static final String FILE = "chain.key";
    static final int LENGTH = 32;

    private final SecretKeySpec sealing;
    private final SecretKeySpec signing;
    private final String id;

    private ChainKey(byte[] key) {
        if (key.length < LENGTH) {
            throw new IllegalArgumentException("an audit chain key must be at least " + LENGTH + " bytes");
        }
        SecretKeySpec master = new SecretKeySpec(key, "HmacSHA256");
        this.sealing = new SecretKeySpec(mac(master, "bulwark audit chain: events"), "HmacSHA256");
        this.signing = new SecretKeySpec(mac(master, "bulwark audit chain: anchors"), "HmacSHA256");
        this.id = HexFormat.of().formatHex(mac(master, "bulwark audit chain: key id"), 0, 6);
    }

    /** @param key at least 32 bytes, random */
    public static ChainKey of(byte[] key) {
        return new ChainKey(key.clone());
    }

    /** The configured key, else the one in (or made in) {@code <data-dir>/audit/chain.key}. */
    public static ChainKey of(AuditSettings settings) throws IOException {
        byte[] configured = settings.chainKey();
        return configured != null ? new ChainKey(configured) : local(settings.dataDir().resolve("audit"));
    }

    /** The key in {@code <auditDir>/chain.key}, made there if there is none. */
    public static ChainKey local(Path auditDir) throws IOException {
        return new ChainKey(LocalKeyFile.loadOrCreate(auditDir.resolve(FILE), LENGTH));
    }

    /** The key in a {@code chain.key} file that must exist (one copied from another instance, for a verifier). */
    public static ChainKey read(Path file) throws IOException {
        return new ChainKey(LocalKeyFile.load(file, LENGTH));
    }

    /** 12 hex digits derived from the key (not reversible): which key sealed or signed something. */
    public String id() {
        return id;
    }

    /** A new sealer; each is for one thread. */
    public Seal seal() {
        return new Seal(newMac(sealing));
    }

    /** The signature of {@code text} (a checkpoint, a retention record). */
    public byte[] sign(String text) {
        return newMac(signing).doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code signature} is this key's of {@code text}, compared in constant time. */
    public boolean signed(String text, byte[] signature) {
        return signature != null && MessageDigest.isEqual(sign(text), signature);
    }

    /** Seals events under this key: {@code HMAC-SHA-256(key, prevHash || encoding)}. Not thread-safe. */
    public static final class Seal {

        private final Mac mac;

        private Seal(Mac mac) {
            this.mac = mac;
        }

        /** The hash of the encoding at {@code bytes[offset, offset + length)} after {@code prevHash}. */
        public byte[] hash(byte[] prevHash, byte[] bytes, int offset, int length) {
            mac.update(prevHash);
            mac.update(bytes, offset, length);
            return mac.doFinal();
        }

        public byte[] hash(byte[] prevHash, byte[] encoded) {
            return hash(prevHash, encoded, 0, encoded.length);
        }

        /** {@code event} sealed as number {@code seq} of {@code writer}'s chain, after {@code prevHash}. */
        public SealedEvent seal(UUID writer, long seq, byte[] prevHash, AuditEvent event) {
            return new SealedEvent(writer, seq, prevHash, hash(prevHash, EventCodec.encode(writer, seq, event)), event);
        }

        /** Whether {@code sealed}'s hash is this key's of its contents after its {@code prevHash}. */
        public boolean intact(SealedEvent sealed) {
            return MessageDigest.isEqual(sealed.hash(), hash(sealed.prevHash(), EventCodec.encode(sealed.writer(),
                    sealed.seq(), sealed.event())));
        }
    }

    private static byte[] mac(SecretKeySpec key, String label) {
        return newMac(key).doFinal(label.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ChainKey[" + id + "]";
    }
}
