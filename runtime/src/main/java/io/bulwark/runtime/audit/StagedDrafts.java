package io.bulwark.runtime.audit;

import io.bulwark.Caller;
import io.bulwark.runtime.audit.journal.StagingArea;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * A {@link Draft} as the calling thread writes it into the staging area
 * ({@link io.bulwark.runtime.audit.journal.StagingArea}), and as the journal thread reads it back into an event.
 *
 * <p>Why raw: the caller still pays only for what it saw. Nothing is cleaned, capped or made canonical here (the
 * journal thread does that, from exactly these fields, through the same {@link Draft#event} as before), and texts go
 * as their UTF-16 characters: one bulk copy each, lossless for whatever a caller passed (a lone surrogate included,
 * which the journal thread then neutralises as it always did). UTF-8 would have been smaller but either lossy
 * ({@code String.getBytes} turns a lone surrogate into '?') or a loop per character on the caller's thread.
 *
 * <pre>
 * id:int64 int64, occurredAtMicros:int64, durationMicros:int64, status:int32 (-1: none), roles:int32,
 * then org, user, email, ip, userAgent, requestId, action, resourceType, resourceId, resourceName, changes,
 * errorMessage and each role as text = length:int32 (-1: null) chars:UTF-16[length]
 * </pre>
 * In the platform's byte order; every text starts at an even byte, so it is one absolute bulk copy of a
 * {@link CharBuffer} view.
 */
public final class StagedDrafts {

    private static final int FIXED = 40;

    private StagedDrafts() {
    }

    /** The payload bytes {@code d} takes. */
    static int length(Draft d) {
        Caller c = d.caller;
        long n = FIXED + text(c.org()) + text(c.user()) + text(c.email()) + text(c.ip()) + text(c.userAgent())
                + text(c.requestId()) + text(d.action) + text(d.resourceType) + text(d.resourceId)
                + text(d.resourceName) + text(d.changes) + text(d.errorMessage);
        for (String role : c.roles()) {
            n += text(role);
        }
        return n > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    private static long text(String s) {
        return s == null ? 4 : 4 + 2L * s.length();
    }

    /** Writes {@code d} at byte {@code at} of {@code area}'s mapping. */
    static void write(Draft d, StagingArea area, int at) {
        ByteBuffer bytes = area.bytes();
        char[] scratch = area.scratch(0);
        Caller c = d.caller;
        Set<String> roles = c.roles();
        bytes.putLong(at, d.id.getMostSignificantBits());
        bytes.putLong(at + 8, d.id.getLeastSignificantBits());
        bytes.putLong(at + 16, d.occurredAtMicros);
        bytes.putLong(at + 24, d.durationMicros);
        bytes.putInt(at + 32, d.status == null ? -1 : d.status.ordinal());
        bytes.putInt(at + 36, roles.size());
        int p = at + FIXED;
        p = text(area, scratch, p, c.org());
        p = text(area, scratch, p, c.user());
        p = text(area, scratch, p, c.email());
        p = text(area, scratch, p, c.ip());
        p = text(area, scratch, p, c.userAgent());
        p = text(area, scratch, p, c.requestId());
        p = text(area, scratch, p, d.action);
        p = text(area, scratch, p, d.resourceType);
        p = text(area, scratch, p, d.resourceId);
        p = text(area, scratch, p, d.resourceName);
        p = text(area, scratch, p, d.changes);
        p = text(area, scratch, p, d.errorMessage);
        for (String role : roles) {
            p = text(area, scratch, p, role);
        }
    }

    private static int text(StagingArea area, char[] scratch, int at, String s) {
        ByteBuffer bytes = area.bytes();
        if (s == null) {
            bytes.putInt(at, -1);
            return at + 4;
        }
        int n = s.length();
        bytes.putInt(at, n);
        if (n > 0) {
            // Through the thread's scratch array: a bulk copy either side, no array a text (issue 14's benchmarks).
            char[] buffer = n <= scratch.length ? scratch : area.scratch(n);
            s.getChars(0, n, buffer, 0);
            area.chars().put((at + 4) >> 1, buffer, 0, n);
        }
        return at + 4 + 2 * n;
    }

    /**
     * The event a record at byte {@code at} of {@code length} bytes holds, cleaned as {@link Draft#toEvent()} cleans.
     *
     * @throws IllegalArgumentException when the record is not one {@link #write} wrote
     */
    public static AuditEvent read(ByteBuffer bytes, CharBuffer chars, int at, int length) {
        Reader r = new Reader(bytes, chars, at, length);
        UUID id = new UUID(bytes.getLong(at), bytes.getLong(at + 8));
        long occurred = bytes.getLong(at + 16);
        long duration = bytes.getLong(at + 24);
        int statusOrdinal = bytes.getInt(at + 32);
        int roleCount = bytes.getInt(at + 36);
        if (length < FIXED || statusOrdinal < -1 || statusOrdinal >= Status.values().length || roleCount < 0
                || roleCount > length / 4) {
            throw new IllegalArgumentException("not a staged audit event");
        }
        String org = r.text();
        String user = r.text();
        String email = r.text();
        String ip = r.text();
        String userAgent = r.text();
        String requestId = r.text();
        String action = r.text();
        String resourceType = r.text();
        String resourceId = r.text();
        String resourceName = r.text();
        String changes = r.text();
        String errorMessage = r.text();
        List<String> roles = new ArrayList<>(roleCount);
        for (int i = 0; i < roleCount; i++) {
            String role = r.text();
            if (role == null) {
                throw new IllegalArgumentException("a staged role is null");
            }
            roles.add(role);
        }
        if (r.at != at + length || action == null) {
            throw new IllegalArgumentException("not a staged audit event");
        }
        return Draft.event(id, occurred, org, user, email, roles, action, resourceType, resourceId, resourceName,
                changes, ip, userAgent, requestId, statusOrdinal < 0 ? null : Status.values()[statusOrdinal],
                errorMessage, duration);
    }

    private static final class Reader {
        private final ByteBuffer bytes;
        private final CharBuffer chars;
        private final int end;
        int at;

        Reader(ByteBuffer bytes, CharBuffer chars, int at, int length) {
            this.bytes = bytes;
            this.chars = chars;
            this.at = at + FIXED;
            this.end = at + length;
        }

        String text() {
            if (at + 4 > end) {
                throw new IllegalArgumentException("a staged audit event ends early");
            }
            int n = bytes.getInt(at);
            if (n == -1) {
                at += 4;
                return null;
            }
            if (n < 0 || at + 4 + 2L * n > end) {
                throw new IllegalArgumentException("a staged text runs past its record");
            }
            char[] text = new char[n];
            chars.get((at + 4) >> 1, text, 0, n);
            at += 4 + 2 * n;
            return new String(text);
        }
    }
}
