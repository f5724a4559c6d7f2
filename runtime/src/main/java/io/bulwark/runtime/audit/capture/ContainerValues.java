package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.rules.SecretNames;
import io.bulwark.runtime.audit.json.JsonText;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The values a {@link ValueWriter} writes part by part: records (component by component, {@link Redact} honoured),
 * maps, collections and arrays, at most {@link ValueWriter#MAX_ELEMENTS} elements each. Each reads its parts out
 * before writing any, so that a part whose reading throws leaves nothing half-written.
 */
final class ContainerValues {

    private ContainerValues() {
    }

    static void record(ValueWriter writer, Record value, int depth) {
        JsonCursor json = writer.json;
        RecordShape shape = RecordShape.of(value.getClass());
        if (shape.unreadable != null) {
            json.type(value);
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
        json.open('{');
        for (int i = 0; i < values.length; i++) {
            Redact.Mode redaction = shape.redactions[i];
            if (redaction != null) {
                writer.secret(values[i]);
            }
            if (redaction == Redact.Mode.DROP) {
                continue;
            }
            if (json.full()) {
                json.truncated = true;
                break;
            }
            json.name(shape.names[i]);
            if (redaction != null) {
                RedactedValues.write(json, writer.redactor, redaction, values[i]);
            } else {
                writer.writeValue(values[i], depth + 1);
            }
        }
        json.close('}');
    }

    static void map(ValueWriter writer, Map<?, ?> map, int depth) {
        JsonCursor json = writer.json;
        // Copy out first (bounded): iterating a map another thread changes throws, and nothing must be half-written.
        Object[] keys = new Object[Math.min(map.size(), ValueWriter.MAX_ELEMENTS)];
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
        json.open('{');
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String key = ScalarValues.keyText(keys[i]);
            if (key == null || !seen.add(key)) {
                continue;
            }
            if (json.full()) {
                json.truncated = true;
                break;
            }
            json.name(key.length() > 256 ? key.substring(0, 256) : key);
            if (SecretNames.looksSecret(key)) {
                JsonText.quote(json.out, Redactor.MASK);
            } else {
                writer.writeValue(values[i], depth + 1);
            }
        }
        if (map.size() > n) {
            json.separate();
            json.out.append("\"_more\":").append(map.size() - n);
        }
        json.close('}');
    }

    static void elements(ValueWriter writer, Iterator<?> iterator, int size, int depth) {
        JsonCursor json = writer.json;
        Object[] values = new Object[Math.min(Math.max(size, 0), ValueWriter.MAX_ELEMENTS)];
        int n = 0;
        try {
            while (n < values.length && iterator.hasNext()) {
                values[n++] = iterator.next();
            }
        } catch (RuntimeException e) {
            throw error(e);
        }
        json.open('[');
        for (int i = 0; i < n; i++) {
            if (json.full()) {
                json.truncated = true;
                break;
            }
            json.separate();
            writer.writeValue(values[i], depth + 1);
        }
        if (size > n) {
            json.separate();
            JsonText.quote(json.out, "…[" + (size - n) + " more]");
        }
        json.close(']');
    }

    static void primitives(ValueWriter writer, Object array) {
        JsonCursor json = writer.json;
        int length = java.lang.reflect.Array.getLength(array);
        json.open('[');
        for (int i = 0; i < Math.min(length, ValueWriter.MAX_ELEMENTS); i++) {
            if (json.full()) {
                json.truncated = true;
                break;
            }
            json.separate();
            writer.writeValue(java.lang.reflect.Array.get(array, i), ValueWriter.MAX_DEPTH);
        }
        if (length > ValueWriter.MAX_ELEMENTS) {
            json.separate();
            JsonText.quote(json.out, "…[" + (length - ValueWriter.MAX_ELEMENTS) + " more]");
        }
        json.close(']');
    }

    private static RuntimeException error(Throwable t) {
        if (t instanceof VirtualMachineError e && !(t instanceof StackOverflowError)) {
            throw e;
        }
        return new CaptureFailedException(t);
    }
}
