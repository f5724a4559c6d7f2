package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.internal.AuditSink;

/**
 * The runtime's own argument capture, planned once per method from its parameters: the name, and the redaction
 * ({@code @Redact}, or masking for a parameter whose name looks secret when no processor has checked it).
 */
public final class PlannedArguments implements ArgumentCapture {

    private final String[] names;
    private final Redact.Mode[] redactions;

    /** @param redactions per parameter, null when it is captured as is */
    public PlannedArguments(String[] names, Redact.Mode[] redactions) {
        this.names = names.clone();
        this.redactions = redactions.clone();
    }

    @Override
    public void write(Object[] args, AuditSink sink) {
        for (int i = 0; i < names.length; i++) {
            Redact.Mode redaction = redactions[i];
            if (redaction != null) {
                sink.secret(args[i]);
            }
            if (redaction == Redact.Mode.DROP) {
                continue;
            }
            sink.member(names[i]);
            if (redaction != null) {
                sink.redacted(redaction, redaction == Redact.Mode.HASH ? args[i] : null);
            } else {
                sink.value(args[i]);
            }
        }
    }
}
