package io.bulwark.monitoring;

import java.util.Locale;
import java.util.Objects;

/**
 * An {@code @Audited} call's event was captured and handed to the journal (it is durable there within milliseconds;
 * {@link AuditShipped} says when it reached PostgreSQL).
 *
 * @param action the annotation's {@code action} ({@code "user.login"})
 * @param status how the call ended
 */
public record AuditRecorded(String action, Status status) {

    public AuditRecorded {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
    }

    /** The event's {@code status} column; {@link #tag()} is the metric tag value. */
    public enum Status {
        /** The body returned. */
        SUCCESS,
        /** The body threw. */
        FAILURE,
        /** Another guard of the method refused the call. */
        DENIED;

        private final String tag = name().toLowerCase(Locale.ROOT);

        /** {@code success}, {@code failure} or {@code denied}. */
        public String tag() {
            return tag;
        }
    }
}
