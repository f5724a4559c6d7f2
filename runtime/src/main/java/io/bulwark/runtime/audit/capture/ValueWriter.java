package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.internal.AuditSink;
import io.bulwark.rules.SecretNames;
import io.bulwark.runtime.audit.json.JsonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Writes captured values as JSON, on the calling thread, within a size cap.
 *
 * <p>What a value becomes: strings, numbers, booleans, enums (by name), UUIDs and {@code java.time} values as
 * themselves; records as objects of their components; arrays, collections and maps element by element; anything
 * else as {@code {"_type":"com.acme.Foo"}}: an arbitrary object's {@code toString()} is never called, it may print a
 * secret or run for a long time. A {@code char[]} (the usual home of a password) and a {@code byte[]} give their
 * length only; a URI loses its user info and query. Strings are cut at {@link #MAX_STRING} characters, collections
 * at {@link #MAX_ELEMENTS} elements, nesting at {@link #MAX_DEPTH} levels; once the whole capture reaches its cap,
 * later members are left out and the record carries {@code "_truncated":true}. A value whose reading throws (a getter,
 * an iterator, a map changed meanwhile) makes the capture fail ({@link CaptureFailedException}), with nothing
 * half-written left behind: the call is then refused, never run with a record that leaves something out unsaid.
 */
public final class ValueWriter implements AuditSink {

    static final int MAX_STRING = 1_024;
    static final int MAX_ELEMENTS = 64;
    static final int MAX_DEPTH = 8;

    private final StringBuilder out = new StringBuilder(128);
    private final int cap;
    private final Redactor redactor;
    /** Per open object or array: whether nothing has been written into it yet. */
    private final boolean[] empty = new boolean[MAX_DEPTH * 2 + 8];
    private int level;
    private boolean truncated;
    /** A member left out for lack of room: its value (and everything inside it) is not written. */
    private boolean skipping;
    private int skippedDepth;
    private List<String> secrets;

    public ValueWriter(int cap, Redactor redactor) {
        this.cap = cap;
        this.redactor = redactor;
    }

    /** Whether the cap has been reached: further members are left out. */
    public boolean full() {
        return out.length() >= cap;
    }

    public boolean truncated() {
        return truncated;
    }

    @Override
    public void member(String name) {
        if (skippedDepth > 0) {
            return;
        }
        if (full()) {
            truncated = true;
            skipping = true;
            return;
        }
        separate();
        JsonText.quote(out, name);
        out.append(':');
    }

    @Override
    public void value(Object value) {
        if (skip()) {
            return;
        }
        write(value, level);
    }

    @Override
    public void secret(Object value) {
        String text = secretText(value);
        if (text != null) {
            if (secrets == null) {
                secrets = new ArrayList<>(2);
            }
            secrets.add(text);
        }
    }

    /**
     * The text a redacted value would show in a message (a string's, a {@code char[]}'s, a number's or a UUID's), or
     * null when it has none that can be looked for.
     */
    public static String secretText(Object value) {
        String text = value instanceof CharSequence cs ? cs.toString()
                : value instanceof char[] chars ? new String(chars)
                : value instanceof Number || value instanceof UUID ? value.toString() : null;
        return text == null || text.isEmpty() ? null : text;
    }

    /** The texts of the redacted values seen, to cut out of an exception message; empty when there were none. */
    public List<String> secrets() {
        return secrets == null ? List.of() : secrets;
    }

    @Override
    public void redacted(Redact.Mode mode, Object value) {
        if (skip()) {
            return;
        }
        if (mode == Redact.Mode.HASH && value != null) {
            JsonText.quote(out, hash(value));
        } else if (mode == Redact.Mode.HASH) {
            out.append("null");
        } else {
            JsonText.quote(out, Redactor.MASK);
        }
    }

    @Override
    public void beginObject() {
        if (skippedDepth > 0 || skipping) {
            skipping = false;
            skippedDepth++;
            return;
        }
        open('{');
    }

    @Override
    public void endObject() {
        if (skippedDepth > 0) {
            skippedDepth--;
            return;
        }
        close('}');
    }

    /** Closes what is open, adding {@code "_truncated":true} to the outermost object when members were left out. */
    public String finish() {
        while (level > 1) {
            close('}');
        }
        if (level == 1) {
            if (truncated) {
                separate();
                out.append("\"_truncated\":true");
            }
            close('}');
        }
        return out.toString();
    }

    /** Consumes a pending skip: true when the value that follows is to be left out. */
    private boolean skip() {
        if (skippedDepth > 0) {
            return true;
        }
        if (skipping) {
            skipping = false;
            return true;
        }
        return false;
    }

    private void separate() {
        if (level > 0) {
            if (!empty[level - 1]) {
                out.append(',');
            }
            empty[level - 1] = false;
        }
    }

    private void open(char bracket) {
        out.append(bracket);
        empty[level++] = true;
    }

    private void close(char bracket) {
        out.append(bracket);
        level--;
    }

    private void write(Object value, int depth) {
        int length = out.length();
        boolean wasTruncated = truncated;
        try {
            writeValue(value, depth);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // Whatever was half-written goes, so that the writer may go on (with a result that could not be read).
            out.setLength(length);
            level = depth;
            truncated = wasTruncated;
            throw new CaptureFailedException(e);
        }
    }

    private void writeValue(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(new BigDecimal(value.toString()).toPlainString());
            } else {
                JsonText.quote(out, value.toString());
            }
        } else if (value instanceof BigDecimal d) {
            if (Math.abs((long) d.precision() - d.scale()) > 100 || d.scale() > 100) {
                JsonText.quote(out, d.toString());
            } else {
                out.append(d.toPlainString());
            }
        } else if (value instanceof Enum<?> e) {
            string(e.name());
        } else if (value instanceof Character || value instanceof UUID || value instanceof TemporalAccessor
                && value.getClass().getName().startsWith("java.time.") || value instanceof Duration
                || value instanceof Period || value instanceof ZoneId) {
            string(value.toString());
        } else if (value instanceof char[] chars) {
            out.append("{\"_chars\":").append(chars.length).append('}');
        } else if (value instanceof byte[] bytes) {
            out.append("{\"_bytes\":").append(bytes.length).append('}');
        } else if (value instanceof URI uri) {
            string(withoutSecrets(uri));
        } else if (value instanceof URL url) {
            string(url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + url.getPath());
        } else if (value instanceof Optional<?> optional) {
            writeValue(optional.orElse(null), depth);
        } else if (depth >= MAX_DEPTH) {
            type(value);
        } else if (value instanceof Record) {
            record((Record) value, depth);
        } else if (value instanceof Map<?, ?> map) {
            map(map, depth);
        } else if (value instanceof Collection<?> collection) {
            elements(collection.iterator(), collection.size(), depth);
        } else if (value instanceof Object[] array) {
            elements(java.util.Arrays.asList(array).iterator(), array.length, depth);
        } else if (value.getClass().isArray()) {
            primitives(value);
        } else {
            type(value);
        }
    }

    private void string(String s) {
        int room = Math.max(0, cap - out.length());
        int keep = Math.min(s.length(), Math.min(MAX_STRING, Math.max(room, 16)));
        if (keep < s.length() && keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        if (keep == s.length()) {
            JsonText.quote(out, s, 0, keep);
            return;
        }
        truncated |= keep < Math.min(s.length(), MAX_STRING);
        StringBuilder cut = new StringBuilder(keep + 32);
        Text.appendClean(cut, s, 0, keep);
        cut.append("…[").append(s.length() - keep).append(" more characters]");
        JsonText.quote(out, cut, 0, cut.length());
    }

    private void type(Object value) {
        out.append("{\"_type\":");
        JsonText.quote(out, value.getClass().getName());
        out.append('}');
    }

    private void record(Record value, int depth) {
        RecordShape shape = RecordShape.of(value.getClass());
        if (shape.unreadable != null) {
            type(value);
            return;
        }
        // Read every component first: an accessor that throws then leaves nothing half-written.
        Object[] values = new Object[shape.names.length];
        for (int i = 0; i < values.length; i++) {
            if (shape.accessors[i] != null) {
                try {
                    values[i] = (Object) shape.accessors[i].invokeExact((Object) value);
                } catch (Throwable t) {
                    throw error(t);
                }
            }
        }
        open('{');
        for (int i = 0; i < values.length; i++) {
            Redact.Mode redaction = shape.redactions[i];
            if (redaction != null) {
                secret(values[i]);
            }
            if (redaction == Redact.Mode.DROP) {
                continue;
            }
            if (full()) {
                truncated = true;
                break;
            }
            separate();
            JsonText.quote(out, shape.names[i]);
            out.append(':');
            if (redaction != null) {
                redactedValue(redaction, values[i]);
            } else {
                writeValue(values[i], depth + 1);
            }
        }
        close('}');
    }

    private void map(Map<?, ?> map, int depth) {
        // Copy out first (bounded): iterating a map another thread changes throws, and nothing must be half-written.
        Object[] keys = new Object[Math.min(map.size(), MAX_ELEMENTS)];
        Object[] values = new Object[keys.length];
        int n = 0;
        try {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (n == keys.length) {
                    break;
                }
                keys[n] = entry.getKey();
                values[n++] = entry.getValue();
            }
        } catch (RuntimeException e) {
            throw error(e);
        }
        open('{');
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String key = keyText(keys[i]);
            if (key == null || !seen.add(key)) {
                continue;
            }
            if (full()) {
                truncated = true;
                break;
            }
            separate();
            JsonText.quote(out, key.length() > 256 ? key.substring(0, 256) : key);
            out.append(':');
            if (SecretNames.looksSecret(key)) {
                JsonText.quote(out, Redactor.MASK);
            } else {
                writeValue(values[i], depth + 1);
            }
        }
        if (map.size() > n) {
            separate();
            out.append("\"_more\":").append(map.size() - n);
        }
        close('}');
    }

    private static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Enum<?> e) {
            return e.name();
        }
        if (key instanceof Number || key instanceof Character || key instanceof Boolean || key instanceof UUID) {
            return key.toString();
        }
        return null;
    }

    private void elements(Iterator<?> iterator, int size, int depth) {
        Object[] values = new Object[Math.min(Math.max(size, 0), MAX_ELEMENTS)];
        int n = 0;
        try {
            while (n < values.length && iterator.hasNext()) {
                values[n++] = iterator.next();
            }
        } catch (RuntimeException e) {
            throw error(e);
        }
        open('[');
        for (int i = 0; i < n; i++) {
            if (full()) {
                truncated = true;
                break;
            }
            separate();
            writeValue(values[i], depth + 1);
        }
        if (size > n) {
            separate();
            JsonText.quote(out, "…[" + (size - n) + " more]");
        }
        close(']');
    }

    private void primitives(Object array) {
        int length = java.lang.reflect.Array.getLength(array);
        open('[');
        for (int i = 0; i < Math.min(length, MAX_ELEMENTS); i++) {
            if (full()) {
                truncated = true;
                break;
            }
            separate();
            writeValue(java.lang.reflect.Array.get(array, i), MAX_DEPTH);
        }
        if (length > MAX_ELEMENTS) {
            separate();
            JsonText.quote(out, "…[" + (length - MAX_ELEMENTS) + " more]");
        }
        close(']');
    }

    private static RuntimeException error(Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
            throw e;
        }
        return new CaptureFailedException(t);
    }

    private void redactedValue(Redact.Mode mode, Object value) {
        if (mode == Redact.Mode.HASH && value != null) {
            JsonText.quote(out, hash(value));
        } else if (mode == Redact.Mode.HASH) {
            out.append("null");
        } else {
            JsonText.quote(out, Redactor.MASK);
        }
    }

    /** The keyed hash of a value's text: a string's characters, an array's bytes, or its unredacted capture. */
    private String hash(Object value) {
        if (value instanceof CharSequence s) {
            return redactor.hash(s.toString());
        }
        if (value instanceof char[] chars) {
            return redactor.hash(StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars)).array());
        }
        if (value instanceof byte[] bytes) {
            return redactor.hash(bytes);
        }
        ValueWriter plain = new ValueWriter(Integer.MAX_VALUE, redactor);
        plain.writeValue(value, 0);
        return redactor.hash(plain.out.toString());
    }

    private static String withoutSecrets(URI uri) {
        if (uri.isOpaque()) {
            return uri.getScheme() + ":[opaque]";
        }
        StringBuilder s = new StringBuilder();
        if (uri.getScheme() != null) {
            s.append(uri.getScheme()).append(':');
        }
        if (uri.getHost() != null) {
            s.append("//").append(uri.getHost());
            if (uri.getPort() >= 0) {
                s.append(':').append(uri.getPort());
            }
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append("?[query left out]");
        }
        return s.toString();
    }
}
