package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.internal.AuditSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
 *
 * <p>This class takes the {@link AuditSink} calls and picks, per value, who writes it: {@link ScalarValues} (values
 * written as themselves), {@link ContainerValues} (records, maps, collections, arrays), {@link RedactedValues}
 * (masks and keyed hashes); {@link JsonCursor} holds the text, the open brackets and the cap. All plain static calls,
 * no lambdas: this runs on the calling thread.
 */
public final class ValueWriter implements AuditSink {

    static final int MAX_STRING = 1_024;
    static final int MAX_ELEMENTS = 64;
    static final int MAX_DEPTH = 8;

    final JsonCursor json;
    final Redactor redactor;
    /** A member left out for lack of room: its value (and everything inside it) is not written. */
    private boolean skipping;
    private int skippedDepth;
    private List<String> secrets;

    public ValueWriter(int cap, Redactor redactor) {
        this.json = new JsonCursor(cap);
        this.redactor = redactor;
    }

    /** Whether the cap has been reached: further members are left out. */
    public boolean full() {
        return json.full();
    }

    public boolean truncated() {
        return json.truncated;
    }

    @Override
    public void member(String name) {
        if (skippedDepth > 0) {
            return;
        }
        if (json.full()) {
            json.truncated = true;
            skipping = true;
            return;
        }
        json.name(name);
    }

    @Override
    public void value(Object value) {
        if (skip()) {
            return;
        }
        write(value, json.level);
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
        return RedactedValues.secretText(value);
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
        RedactedValues.write(json, redactor, mode, value);
    }

    @Override
    public void beginObject() {
        if (skippedDepth > 0 || skipping) {
            skipping = false;
            skippedDepth++;
            return;
        }
        json.open('{');
    }

    @Override
    public void endObject() {
        if (skippedDepth > 0) {
            skippedDepth--;
            return;
        }
        json.close('}');
    }

    /** Closes what is open, adding {@code "_truncated":true} to the outermost object when members were left out. */
    public String finish() {
        while (json.level > 1) {
            json.close('}');
        }
        if (json.level == 1) {
            if (json.truncated) {
                json.separate();
                json.out.append("\"_truncated\":true");
            }
            json.close('}');
        }
        return json.out.toString();
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

    private void write(Object value, int depth) {
        int length = json.out.length();
        boolean wasTruncated = json.truncated;
        try {
            writeValue(value, depth);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // Whatever was half-written goes, so that the writer may go on (with a result that could not be read).
            json.out.setLength(length);
            json.level = depth;
            json.truncated = wasTruncated;
            throw new CaptureFailedException(e);
        }
    }

    /** Writes one value at the given nesting depth, by its kind; beyond {@link #MAX_DEPTH}, objects by type only. */
    void writeValue(Object value, int depth) {
        if (ScalarValues.write(json, value)) {
            return;
        }
        if (value instanceof Optional<?> optional) {
            writeValue(optional.orElse(null), depth);
        } else if (depth >= MAX_DEPTH) {
            json.type(value);
        } else if (value instanceof Record) {
            ContainerValues.record(this, (Record) value, depth);
        } else if (value instanceof Map<?, ?> map) {
            ContainerValues.map(this, map, depth);
        } else if (value instanceof Collection<?> collection) {
            ContainerValues.elements(this, collection.iterator(), collection.size(), depth);
        } else if (value instanceof Object[] array) {
            ContainerValues.elements(this, java.util.Arrays.asList(array).iterator(), array.length, depth);
        } else if (value.getClass().isArray()) {
            ContainerValues.primitives(this, value);
        } else {
            json.type(value);
        }
    }
}
