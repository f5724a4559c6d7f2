package io.bulwark.runtime.audit.journal;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.chain.EventCodec;
import io.bulwark.runtime.audit.chain.SealedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * What a forger who knows the journal's format but not the chain key does: changes an event and seals it, and every
 * one after it, again with the hash anyone can compute (the unkeyed SHA-256 chain), checksums fixed. For tests.
 */
public final class JournalForger {

    private JournalForger() {
    }

    /** Replaces event {@code index} of {@code segment} by {@code change} of it, and reseals it and all after it. */
    public static void rewrite(Path segment, int index, UnaryOperator<AuditEvent> change) throws IOException {
        List<SealedEvent> events = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long position = Segments.HEADER.length;
            while (Frame.read(channel, position) instanceof Frame.Found found) {
                events.add(found.sealed());
                position = found.next();
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(Segments.HEADER);
        byte[] prev = null;
        for (int i = 0; i < events.size(); i++) {
            SealedEvent e = events.get(i);
            if (i < index) {
                frame(out, e.prevHash(), e.hash(), EventCodec.encode(e.writer(), e.seq(), e.event()));
                continue;
            }
            if (i == index) {
                prev = e.prevHash();
            }
            AuditEvent event = i == index ? change.apply(e.event()) : e.event();
            byte[] encoded = EventCodec.encode(e.writer(), e.seq(), event);
            byte[] hash = EventCodec.unkeyedHash(prev, encoded);
            frame(out, prev, hash, encoded);
            prev = hash;
        }
        Files.write(segment, out.toByteArray());
    }

    private static void frame(ByteArrayOutputStream out, byte[] prev, byte[] hash, byte[] encoded) {
        ByteBuffer payload = ByteBuffer.allocate(prev.length + hash.length + encoded.length);
        payload.put(prev).put(hash).put(encoded);
        CRC32C crc = new CRC32C();
        crc.update(payload.array());
        ByteBuffer header = ByteBuffer.allocate(Frame.HEADER);
        header.putInt(payload.capacity()).putInt((int) crc.getValue());
        out.writeBytes(header.array());
        out.writeBytes(payload.array());
    }
}
