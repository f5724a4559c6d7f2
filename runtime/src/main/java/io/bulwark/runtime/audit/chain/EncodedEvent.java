package io.bulwark.runtime.audit.chain;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.UUID;

/**
 * An event in its chain as the journal stores it: {@code prevHash, hash, encoding} in one array, a journal frame's
 * payload, not decoded. Shipping reads the fields it needs where they lie, and turns the rest into PostgreSQL's binary
 * COPY format without ever building an {@link io.bulwark.runtime.audit.AuditEvent}; {@link #decode()} is for the
 * rarer paths that need the event itself.
 *
 * <p>The array is taken, not copied, and never changed: at tens of thousands of events a second, a copy per event is
 * a good part of what shipping one costs.
 */
public final class EncodedEvent {

    /** Where the encoding starts in the payload. */
    public static final int ENCODING_AT = 2 * EventCodec.HASH_LENGTH;

    private final byte[] payload;

    /**
     * @param payload {@code prevHash (32 bytes), hash (32 bytes), encoding}; owned by this object from now on
     * @throws IllegalArgumentException when the encoding is not whole and well formed ({@link EventCodec#check})
     */
    public EncodedEvent(byte[] payload) {
        if (payload.length < ENCODING_AT) {
            throw new IllegalArgumentException("too short for two hashes");
        }
        EventCodec.check(payload, ENCODING_AT, payload.length - ENCODING_AT);
        this.payload = payload;
    }

    public UUID writer() {
        return uuid(ENCODING_AT + EventCodec.WRITER_AT);
    }

    public long seq() {
        return ByteBuffer.wrap(payload).getLong(ENCODING_AT + EventCodec.SEQ_AT);
    }

    public UUID id() {
        return uuid(ENCODING_AT + EventCodec.ID_AT);
    }

    public long occurredAtMicros() {
        return ByteBuffer.wrap(payload).getLong(ENCODING_AT + EventCodec.OCCURRED_AT);
    }

    public byte[] hash() {
        return Arrays.copyOfRange(payload, EventCodec.HASH_LENGTH, ENCODING_AT);
    }

    /** The payload itself, for reading only: what {@code audit_rejects.record} keeps, and what COPY transcodes. */
    public byte[] payload() {
        return payload;
    }

    /**
     * The event with its place in the chain.
     *
     * @throws IllegalArgumentException when the encoding does not decode
     */
    public SealedEvent decode() {
        EventCodec.Decoded d = EventCodec.decode(payload, ENCODING_AT, payload.length - ENCODING_AT);
        return new SealedEvent(d.writer(), d.seq(), Arrays.copyOfRange(payload, 0, EventCodec.HASH_LENGTH), hash(),
                d.event());
    }

    private UUID uuid(int at) {
        ByteBuffer b = ByteBuffer.wrap(payload);
        return new UUID(b.getLong(at), b.getLong(at + 8));
    }

    @Override
    public String toString() {
        return "EncodedEvent[writer=" + writer() + ", seq=" + seq() + ", id=" + id() + "]";
    }
}
