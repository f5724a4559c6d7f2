package io.bulwark.runtime.audit;

import io.bulwark.runtime.audit.capture.UuidV7;
import java.util.List;

/** Audit events for tests. */
public final class Events {

    private Events() {
    }

    /** A plausible event: {@code user.login} by {@code user} at {@code micros}. */
    public static AuditEvent login(String user, long micros) {
        return new AuditEvent(UuidV7.next(micros / 1_000), micros, "org-1", user, user + "@example.com",
                List.of("admin", "ops"), "user.login", "user", user + "@example.com", null,
                "{\"args\":{\"email\":\"" + user + "@example.com\",\"password\":\"[redacted]\"}}", "203.0.113.9",
                "curl/8", "req-1", Status.SUCCESS, null, 42);
    }

    /** An event from 2026-11-22T12:00:00Z onwards, {@code i} seconds later. */
    public static AuditEvent login(int i) {
        return login("u" + i, 1_795_348_800_000_000L + i * 1_000_000L);
    }
}
