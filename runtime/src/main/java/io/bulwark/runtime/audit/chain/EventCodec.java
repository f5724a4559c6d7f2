package io.bulwark.runtime.audit.chain;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.capture.IpAddresses;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The canonical encoding of an event in its chain: what is hashed, what the journal stores, and what the verifier
 * rebuilds from a PostgreSQL row. Fixed field order; each text as its UTF-8 length (-1 for null) and bytes; the
 * address as its 4 or 16 bytes, so that however PostgreSQL prints an {@code inet} it encodes alike. Version 1.
 */
public final class EventCodec {

    public static final int HASH_LENGTH = 32;
    private static final byte VERSION = 1;
    /** Longer than any event Bulwark captures; a length past it is damage, not data. */
    static final int MAX_ENCODED = 4 << 20;

    private EventCodec() {
    }

    /** The zero hash that the first event of a chain follows. */
    public static byte[] genesis() {
        return new byte[HASH_LENGTH];
    }

    public static byte[] encode(UUID writer, long seq, AuditEvent e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            uuid(out, writer);
            out.writeLong(seq);
            uuid(out, e.id());
            out.writeLong(e.occurredAtMicros());
            text(out, e.orgId());
            text(out, e.userId());
            text(out, e.userEmail());
            out.writeInt(e.roles().size());
            for (String role : e.roles()) {
                text(out, role);
            }
            text(out, e.action());
            text(out, e.resourceType());
            text(out, e.resourceId());
            text(out, e.resourceName());
            text(out, e.changes());
            byte[] ip = e.ipAddress() == null ? null : IpAddresses.parse(e.ipAddress());
            out.writeByte(ip == null ? 0 : ip.length);
            if (ip != null) {
                out.write(ip);
            }
            text(out, e.userAgent());
            text(out, e.requestId());
            out.writeByte(e.status().ordinal());
            text(out, e.errorMessage());
            out.writeLong(e.durationMicros());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /** {@code SHA-256(prevHash || encoded)}. */
    public static byte[] hash(byte[] prevHash, byte[] encoded) {
        MessageDigest sha = sha256();
        sha.update(prevHash);
        return sha.digest(encoded);
    }

    public static SealedEvent seal(UUID writer, long seq, byte[] prevHash, AuditEvent event) {
        return new SealedEvent(writer, seq, prevHash, hash(prevHash, encode(writer, seq, event)), event);
    }

    /** Whether {@code sealed}'s hash is that of its own contents after its {@code prevHash}. */
    public static boolean intact(SealedEvent sealed) {
        return MessageDigest.isEqual(sealed.hash(),
                hash(sealed.prevHash(), encode(sealed.writer(), sealed.seq(), sealed.event())));
    }

    /** The event, writer and sequence number {@code encoded} holds; hashes are the caller's. */
    public static Decoded decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(encoded))) {
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

    /** What an encoding holds. */
    public record Decoded(UUID writer, long seq, AuditEvent event) {
    }

    private static void uuid(DataOutputStream out, UUID id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
