package io.bulwark.rules.key;

import io.bulwark.Redact;

/**
 * A parameter of a guarded method as the class file (or the source) describes it. Not API.
 *
 * @param name      its name, or {@code null} when the class file does not record it (compiled without
 *                  {@code -parameters} or {@code -g})
 * @param type      its binary type name: {@code java.lang.String}, {@code int}, {@code com.acme.Request}
 * @param redaction its {@code @Redact} mode, or {@code null} when it is not redacted
 */
public record Parameter(String name, String type, Redact.Mode redaction) {

    /** A parameter without {@code @Redact}. */
    public Parameter(String name, String type) {
        this(name, type, null);
    }

    public boolean redacted() {
        return redaction != null;
    }
}
