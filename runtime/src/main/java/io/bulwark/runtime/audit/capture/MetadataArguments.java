package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.internal.AuditSink;
import java.util.Collection;
import java.util.Map;

/**
 * {@code capture = METADATA}: each argument's type and size, never its value. A redacted argument gives its type only
 * (even a length can give a secret away), a dropped one nothing.
 */
public final class MetadataArguments implements ArgumentCapture {

    private final String[] names;
    private final Redact.Mode[] redactions;

    public MetadataArguments(String[] names, Redact.Mode[] redactions) {
        this.names = names.clone();
        this.redactions = redactions.clone();
    }

    @Override
    public void write(Object[] args, AuditSink sink) {
        for (int i = 0; i < names.length; i++) {
            if (redactions[i] == Redact.Mode.DROP) {
                continue;
            }
            Object arg = args[i];
            sink.member(names[i]);
            if (arg == null) {
                sink.value(null);
                continue;
            }
            sink.beginObject();
            sink.member("type");
            sink.value(arg.getClass().getName());
            int size = redactions[i] != null ? -1 : size(arg);
            if (size >= 0) {
                sink.member("size");
                sink.value(size);
            }
            sink.endObject();
        }
    }

    private static int size(Object value) {
        if (value instanceof CharSequence s) {
            return s.length();
        }
        if (value instanceof Collection<?> c) {
            return c.size();
        }
        if (value instanceof Map<?, ?> m) {
            return m.size();
        }
        if (value.getClass().isArray()) {
            return java.lang.reflect.Array.getLength(value);
        }
        return -1;
    }
}
