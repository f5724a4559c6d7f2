package io.bulwark.runtime.audit;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One audited call, as stored: the columns of {@code audit_logs} but the chain's. Every text is already neutralised
 * ({@link io.bulwark.runtime.audit.capture.Text}): no NUL, no lone surrogate, within its column's cap.
 *
 * @param occurredAtMicros microseconds since the epoch, when the call began
 * @param roles            never null; possibly empty
 * @param ipAddress        the client address in canonical text ({@code 203.0.113.9}, {@code 2001:db8::1}), or null
 * @param changes          the captured arguments (and result) as canonical JSON, or null
 * @param durationMicros   how long the call took, guards included
 */
public record AuditEvent(UUID id, long occurredAtMicros, String orgId, String userId, String userEmail,
        List<String> roles, String action, String resourceType, String resourceId, String resourceName,
        String changes, String ipAddress, String userAgent, String requestId, Status status, String errorMessage,
        long durationMicros) {

    public AuditEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(status, "status");
        roles = List.copyOf(roles);
    }
}
