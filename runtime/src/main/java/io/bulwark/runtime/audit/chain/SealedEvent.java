package io.bulwark.runtime.audit.chain;

import io.bulwark.runtime.audit.AuditEvent;
import java.util.Arrays;
import java.util.UUID;

/**
 * An event in its writer's chain: {@code hash = HMAC-SHA-256(chain key, prevHash || canonical encoding)}
 * ({@link ChainKey.Seal}), where the encoding covers the writer and the sequence number too, so that a row moved,
 * renumbered or altered no longer hashes to its place, and no one without the key can seal a replacement.
 *
 * @param writer the journal (one per JVM and data directory) that numbered it
 * @param seq    gapless from 1 per writer
 */
public record SealedEvent(UUID writer, long seq, byte[] prevHash, byte[] hash, AuditEvent event) {

    public SealedEvent {
        prevHash = prevHash.clone();
        hash = hash.clone();
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SealedEvent s && writer.equals(s.writer) && seq == s.seq
                && Arrays.equals(prevHash, s.prevHash) && Arrays.equals(hash, s.hash) && event.equals(s.event);
    }

    @Override
    public int hashCode() {
        return writer.hashCode() * 31 + Long.hashCode(seq);
    }

    @Override
    public String toString() {
        return "SealedEvent[writer=" + writer + ", seq=" + seq + ", id=" + event.id() + "]";
    }
}
