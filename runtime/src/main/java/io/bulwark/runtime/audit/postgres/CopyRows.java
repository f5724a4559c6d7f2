package io.bulwark.runtime.audit.postgres;

import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.chain.EncodedEvent;
import io.bulwark.runtime.audit.chain.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns journal encodings into rows of PostgreSQL's binary COPY format, field by field, without decoding them: the
 * encoding already writes each text as a 32-bit length (-1 for null) and UTF-8, which is exactly how binary COPY
 * sends a {@code text}, so most of a row is copied as it lies. The columns are listed in the encoding's order
 * ({@link #COLUMNS}).
 * Only the timestamp (from 1970 to PostgreSQL's 2000 epoch), the address ({@code inet}'s header), the roles
 * ({@code text[]}'s header), the captured JSON ({@code jsonb}'s version byte) and the status are rewritten.
 *
 * <p>Why: shipping through {@code unnest} of 21 arrays decoded every event into Java strings and encoded them again
 * into arrays PostgreSQL then parsed; this costs a fraction of that on both sides (see benchmarks/README.md).
 */
final class CopyRows {

    /** The columns of a row, in the order of the event encoding they are read from. */
    static final String COLUMNS = "writer_id, seq, id, occurred_at, org_id, user_id, user_email, user_roles, action, "
            + "resource_type, resource_id, resource_name, changes, ip_address, user_agent, request_id, status, "
            + "error_message, duration_us, prev_hash, hash";
    private static final int FIELDS = 21;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0};
    /** Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    /** timestamptz's range, from PostgreSQL's datatype/timestamp.h (MIN_TIMESTAMP, END_TIMESTAMP). */
    private static final long MIN_TIMESTAMP = -211_813_488_000_000_000L;
    private static final long END_TIMESTAMP = 9_223_371_331_200_000_000L;
    private static final int TEXT_OID = 25;
    private static final int PGSQL_AF_INET = 2;
    private static final int PGSQL_AF_INET6 = 3;
    private static final byte[][] STATUS = new byte[Status.values().length][];

    static {
        for (Status s : Status.values()) {
            STATUS[s.ordinal()] = s.text().getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buf;
    private int n;

    CopyRows(int capacity) {
        buf = new byte[capacity];
    }

    byte[] bytes() {
        return buf;
    }

    int size() {
        return n;
    }

    void clear() {
        n = 0;
    }

    /** The 19 bytes that open a binary COPY stream: its signature, no flags, no header extension. */
    void header() {
        room(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, buf, n, SIGNATURE.length);
        n += SIGNATURE.length;
        i32(0);
        i32(0);
    }

    /** The -1 field count that ends the stream. */
    void trailer() {
        room(2);
        i16(-1);
    }

    /** Appends one row. The encoding was checked when it was read ({@link EventCodec#check}). */
    void add(EncodedEvent event) {
        byte[] p = event.payload();
        int at = EncodedEvent.ENCODING_AT;
        // A row takes a few bytes more than its encoding: the field lengths of the fixed fields and the headers.
        room(p.length + 160);
        i16(FIELDS);
        fixed(p, at + EventCodec.WRITER_AT, 16);
        fixed(p, at + EventCodec.SEQ_AT, 8);
        fixed(p, at + EventCodec.ID_AT, 16);
        i32(8);
        i64(timestamp(longAt(p, at + EventCodec.OCCURRED_AT)));
        at += EventCodec.FIXED_LENGTH;
        for (int k = 0; k < 3; k++) {
            at = text(p, at);
        }
        at = roles(p, at);
        for (int k = 0; k < 4; k++) {
            at = text(p, at);
        }
        at = jsonb(p, at);
        at = inet(p, at);
        at = text(p, at);
        at = text(p, at);
        byte[] status = STATUS[p[at++]];
        i32(status.length);
        bytes(status, 0, status.length);
        at = text(p, at);
        fixed(p, at, 8);
        fixed(p, 0, EventCodec.HASH_LENGTH);
        fixed(p, EventCodec.HASH_LENGTH, EventCodec.HASH_LENGTH);
    }

    /**
     * PostgreSQL's microseconds since 2000. A time outside timestamptz's range becomes one just before it, which
     * PostgreSQL refuses with its own "timestamp out of range" (22008), as it refuses such a row by any other route;
     * the arithmetic must not wrap into a valid but wrong time.
     */
    static long timestamp(long unixMicros) {
        long micros = unixMicros - PG_EPOCH_MICROS;
        boolean wrapped = unixMicros < Long.MIN_VALUE + PG_EPOCH_MICROS;
        return wrapped || micros < MIN_TIMESTAMP || micros >= END_TIMESTAMP ? MIN_TIMESTAMP - 1 : micros;
    }

    /** A field of {@code length} bytes as they lie. */
    private void fixed(byte[] p, int at, int length) {
        i32(length);
        bytes(p, at, length);
    }

    /** A text: the encoding's length and bytes are binary COPY's. */
    private int text(byte[] p, int at) {
        int length = intAt(p, at);
        int total = 4 + Math.max(length, 0);
        bytes(p, at, total);
        return at + total;
    }

    /** {@code text[]}: dimensions, null flag, element type, then (if any) size, lower bound 1 and the elements. */
    private int roles(byte[] p, int at) {
        int count = intAt(p, at);
        int first = at + 4;
        int end = first;
        boolean nulls = false;
        for (int k = 0; k < count; k++) {
            int length = intAt(p, end);
            nulls |= length < 0;
            end += 4 + Math.max(length, 0);
        }
        int elements = end - first;
        room(elements + 32);
        if (count == 0) {
            i32(12);
            i32(0);
            i32(0);
            i32(TEXT_OID);
            return end;
        }
        i32(20 + elements);
        i32(1);
        i32(nulls ? 1 : 0);
        i32(TEXT_OID);
        i32(count);
        i32(1);
        bytes(p, first, elements);
        return end;
    }

    /** {@code jsonb}: a version byte (1), then the text. */
    private int jsonb(byte[] p, int at) {
        int length = intAt(p, at);
        if (length < 0) {
            i32(-1);
            return at + 4;
        }
        i32(length + 1);
        room(1);
        buf[n++] = 1;
        bytes(p, at + 4, length);
        return at + 4 + length;
    }

    /** {@code inet}: family, prefix bits, is-cidr, address length, address. */
    private int inet(byte[] p, int at) {
        int length = p[at] & 0xFF;
        if (length == 0) {
            i32(-1);
            return at + 1;
        }
        i32(4 + length);
        room(4);
        buf[n++] = (byte) (length == 4 ? PGSQL_AF_INET : PGSQL_AF_INET6);
        buf[n++] = (byte) (length * 8);
        buf[n++] = 0;
        buf[n++] = (byte) length;
        bytes(p, at + 1, length);
        return at + 1 + length;
    }

    private void room(int k) {
        if (n + k > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
        }
    }

    private void bytes(byte[] from, int at, int length) {
        room(length);
        System.arraycopy(from, at, buf, n, length);
        n += length;
    }

    private void i16(int v) {
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    private void i32(int v) {
        room(4);
        buf[n++] = (byte) (v >>> 24);
        buf[n++] = (byte) (v >>> 16);
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    private void i64(long v) {
        i32((int) (v >>> 32));
        i32((int) v);
    }

    private static int intAt(byte[] p, int at) {
        return (p[at] & 0xFF) << 24 | (p[at + 1] & 0xFF) << 16 | (p[at + 2] & 0xFF) << 8 | p[at + 3] & 0xFF;
    }

    private static long longAt(byte[] p, int at) {
        return (long) intAt(p, at) << 32 | intAt(p, at + 4) & 0xFFFFFFFFL;
    }
}
