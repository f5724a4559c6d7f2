package io.bulwark.runtime.audit.chain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * A growing byte array written big-endian, as {@link java.io.DataInputStream} reads it back; texts as UTF-8 after an
 * int length, -1 for null. Not a {@code DataOutputStream}: this runs for every event on the journal thread, where the
 * stream's synchronized writes and per-string copies were most of the cost; and one is reused for a whole batch of
 * frames, so that an event is encoded where it is written.
 */
public final class Bytes {

    private byte[] buf;
    private int n;

    public Bytes(int capacity) {
        buf = new byte[capacity];
    }

    /** The array written so far; valid up to {@link #size()}, and until the next write. */
    public byte[] array() {
        return buf;
    }

    public int size() {
        return n;
    }

    public void clear() {
        n = 0;
    }

    /** Leaves {@code k} bytes to be filled in later ({@link #putInt}, {@link #put}). */
    public void skip(int k) {
        room(k);
        n += k;
    }

    public byte[] toArray() {
        return Arrays.copyOf(buf, n);
    }

    private void room(int k) {
        if (n + k > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + k));
        }
    }

    public void b(int v) {
        room(1);
        buf[n++] = (byte) v;
    }

    public void i(int v) {
        room(4);
        buf[n++] = (byte) (v >>> 24);
        buf[n++] = (byte) (v >>> 16);
        buf[n++] = (byte) (v >>> 8);
        buf[n++] = (byte) v;
    }

    public void l(long v) {
        i((int) (v >>> 32));
        i((int) v);
    }

    public void uuid(UUID id) {
        l(id.getMostSignificantBits());
        l(id.getLeastSignificantBits());
    }

    public void bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }

    /**
     * {@code String.getBytes(UTF_8)} rather than a loop of {@code charAt}: for the Latin-1 strings the JVM stores
     * compactly (nearly every audit text) it is a vectorised check and one array copy.
     */
    public void text(String s) {
        if (s == null) {
            i(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        i(utf8.length);
        bytes(utf8);
    }

    /** Writes {@code v} at {@code at}, inside what was written or skipped. */
    public void putInt(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    /** Writes {@code b} at {@code at}, inside what was written or skipped. */
    public void put(int at, byte[] b) {
        System.arraycopy(b, 0, buf, at, b.length);
    }
}
