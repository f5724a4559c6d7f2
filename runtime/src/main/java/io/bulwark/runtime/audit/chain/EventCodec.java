package io.bulwark.runtime.audit.chain;

import io.bulwark.internal.IpAddresses;
import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The canonical encoding of an event in its chain: what is sealed ({@link ChainKey.Seal}), what the journal stores,
 * and what the verifier rebuilds from a PostgreSQL row. Fixed field order; each text as its UTF-8 length (-1 for null)
 * and bytes; the address as its 4 or 16 bytes, so that however PostgreSQL prints an {@code inet} it encodes alike.
 * Version 1.
 */
public final class EventCodec {

    public static final int HASH_LENGTH = 32;
    /** The first byte of every encoding. */
    public static final byte VERSION = 1;
    /** Where the fixed fields start in an encoding: its version byte, then these, then the variable fields. */
    public static final int WRITER_AT = 1;
    public static final int SEQ_AT = 17;
    public static final int ID_AT = 25;
    public static final int OCCURRED_AT = 41;
    /** The bytes of the fixed fields, the version byte included. */
    public static final int FIXED_LENGTH = 49;
    /** Longer than any event Bulwark captures; a length past it is damage, not data. */
    static final int MAX_ENCODED = 4 << 20;

    private EventCodec() {
    }

    /** The zero hash that the first event of a chain follows. */
    public static byte[] genesis() {
        return new byte[HASH_LENGTH];
    }

    public static byte[] encode(UUID writer, long seq, AuditEvent e) {
        Bytes out = new Bytes(512);
        encode(writer, seq, e, out);
        return out.toArray();
    }

    /** Appends the encoding of {@code e} to {@code out}: how the journal writes it, straight into its frame. */
    public static void encode(UUID writer, long seq, AuditEvent e, Bytes out) {
        out.b(VERSION);
        out.uuid(writer);
        out.l(seq);
        out.uuid(e.id());
        out.l(e.occurredAtMicros());
        out.text(e.orgId());
        out.text(e.userId());
        out.text(e.userEmail());
        out.i(e.roles().size());
        for (String role : e.roles()) {
            out.text(role);
        }
        out.text(e.action());
        out.text(e.resourceType());
        out.text(e.resourceId());
        out.text(e.resourceName());
        out.text(e.changes());
        byte[] ip = e.ipAddress() == null ? null : IpAddresses.parse(e.ipAddress());
        out.b(ip == null ? 0 : ip.length);
        if (ip != null) {
            out.bytes(ip);
        }
        out.text(e.userAgent());
        out.text(e.requestId());
        out.b(e.status().ordinal());
        out.text(e.errorMessage());
        out.l(e.durationMicros());
    }

    /**
     * {@code SHA-256(prevHash || encoded)}: how events were sealed before the chain was keyed. Anyone can compute it,
     * so it proves only that nothing changed by accident; the verifier accepts it at the start of a chain, never after
     * a keyed event ({@link ChainKey} seals them now).
     */
    public static byte[] unkeyedHash(byte[] prevHash, byte[] encoded) {
        MessageDigest sha = sha256();
        sha.update(prevHash);
        sha.update(encoded);
        return sha.digest();
    }

    /** Whether {@code sealed}'s hash is the unkeyed one of its contents after its {@code prevHash}. */
    public static boolean intactUnkeyed(SealedEvent sealed) {
        return MessageDigest.isEqual(sealed.hash(),
                unkeyedHash(sealed.prevHash(), encode(sealed.writer(), sealed.seq(), sealed.event())));
    }

    /** The event, writer and sequence number {@code encoded} holds; hashes are the caller's. */
    public static Decoded decode(byte[] encoded) {
        return decode(encoded, 0, encoded.length);
    }

    /** As {@link #decode(byte[])}, of the encoding at {@code bytes[offset, offset + length)}. */
    public static Decoded decode(byte[] bytes, int offset, int length) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes, offset, length))) {
            if (in.readByte() != VERSION) {
                throw new IllegalArgumentException("unknown event encoding version");
            }
            UUID writer = uuid(in);
            long seq = in.readLong();
            UUID id = uuid(in);
            long occurred = in.readLong();
            String org = text(in);
            String user = text(in);
            String email = text(in);
            int roleCount = in.readInt();
            if (roleCount < 0 || roleCount > 10_000) {
                throw new IllegalArgumentException("bad role count");
            }
            List<String> roles = new ArrayList<>(roleCount);
            for (int i = 0; i < roleCount; i++) {
                roles.add(text(in));
            }
            String action = text(in);
            String resourceType = text(in);
            String resourceId = text(in);
            String resourceName = text(in);
            String changes = text(in);
            int ipLength = in.readUnsignedByte();
            String ip = null;
            if (ipLength == 4 || ipLength == 16) {
                byte[] address = new byte[ipLength];
                in.readFully(address);
                ip = IpAddresses.format(address);
            } else if (ipLength != 0) {
                throw new IllegalArgumentException("bad address length");
            }
            String userAgent = text(in);
            String requestId = text(in);
            int status = in.readUnsignedByte();
            if (status >= Status.values().length) {
                throw new IllegalArgumentException("bad status");
            }
            String error = text(in);
            long duration = in.readLong();
            if (in.read() >= 0) {
                throw new IllegalArgumentException("bytes after the event");
            }
            if (action == null) {
                throw new IllegalArgumentException("no action");
            }
            return new Decoded(writer, seq, new AuditEvent(id, occurred, org, user, email, roles, action, resourceType,
                    resourceId, resourceName, changes, ip, userAgent, requestId, Status.values()[status], error,
                    duration));
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated event encoding", e);
        }
    }

    /**
     * Checks that {@code bytes[offset, offset + length)} is a whole encoding of this version, field by field, without
     * decoding it: what a reader that passes encodings on undecoded relies on.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static void check(byte[] bytes, int offset, int length) {
        int end = offset + length;
        if (length < FIXED_LENGTH || bytes[offset] != VERSION) {
            throw new IllegalArgumentException("not an event encoding of version " + VERSION);
        }
        int at = offset + FIXED_LENGTH;
        for (int i = 0; i < 3; i++) {
            at = skipText(bytes, at, end);
        }
        int roles = intAt(bytes, at, end);
        if (roles < 0 || roles > 10_000) {
            throw new IllegalArgumentException("bad role count");
        }
        at += 4;
        for (int i = 0; i < roles; i++) {
            at = skipText(bytes, at, end);
        }
        if (at + 4 > end || intAt(bytes, at, end) == -1) {
            throw new IllegalArgumentException("no action");
        }
        for (int i = 0; i < 5; i++) {
            at = skipText(bytes, at, end);
        }
        int ip = at < end ? bytes[at] & 0xFF : -1;
        if (ip != 0 && ip != 4 && ip != 16) {
            throw new IllegalArgumentException("bad address length");
        }
        at += 1 + ip;
        at = skipText(bytes, skipText(bytes, at, end), end);
        if (at >= end || (bytes[at] & 0xFF) >= Status.values().length) {
            throw new IllegalArgumentException("bad status");
        }
        at = skipText(bytes, at + 1, end) + 8;
        if (at != end) {
            throw new IllegalArgumentException(at > end ? "truncated event encoding" : "bytes after the event");
        }
    }

    /** The position after the text at {@code at}. */
    private static int skipText(byte[] bytes, int at, int end) {
        int length = intAt(bytes, at, end);
        if (length == -1) {
            return at + 4;
        }
        if (length < 0 || length > MAX_ENCODED || at + 4 + length > end) {
            throw new IllegalArgumentException("bad text length");
        }
        return at + 4 + length;
    }

    private static int intAt(byte[] bytes, int at, int end) {
        if (at + 4 > end) {
            throw new IllegalArgumentException("truncated event encoding");
        }
        return (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16 | (bytes[at + 2] & 0xFF) << 8
                | bytes[at + 3] & 0xFF;
    }

    /** What an encoding holds. */
    public record Decoded(UUID writer, long seq, AuditEvent event) {
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > MAX_ENCODED) {
            throw new IllegalArgumentException("bad text length");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
