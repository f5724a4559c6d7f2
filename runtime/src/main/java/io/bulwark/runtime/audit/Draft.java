package io.bulwark.runtime.audit;

import io.bulwark.Caller;
import io.bulwark.internal.IpAddresses;
import io.bulwark.runtime.audit.capture.Text;
import io.bulwark.runtime.audit.json.CanonicalJson;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An event as the calling thread captured it: references to what it saw, nothing cleaned or encoded yet. The journal
 * thread turns it into an {@link AuditEvent} ({@link #toEvent()}), so that the caller pays only for the capture.
 * Filled by one thread, then handed over through the pipeline's queue (which publishes it safely).
 */
public final class Draft {

    static final int MAX_SHORT_TEXT = 512;
    static final int MAX_MESSAGE = 2_000;
    static final int MAX_ROLES = 64;

    UUID id;
    long occurredAtMicros;
    Caller caller;
    String action;
    String resourceType;
    String resourceId;
    String resourceName;
    String changes;
    Status status;
    String errorMessage;
    long durationMicros;
    /** Where its record was staged ({@link io.bulwark.runtime.audit.journal.JournalThread#hand}); -1 before. */
    private long stagedAt = -1;

    public Draft(UUID id, long occurredAtMicros, Caller caller, String action, String resourceType) {
        this.id = id;
        this.occurredAtMicros = occurredAtMicros;
        this.caller = caller;
        this.action = action;
        this.resourceType = resourceType;
    }

    public void resource(String id, String name) {
        this.resourceId = id;
        this.resourceName = name;
    }

    public void changes(String json) {
        this.changes = json;
    }

    public void outcome(Status status, String errorMessage, long durationMicros) {
        this.status = status;
        this.errorMessage = errorMessage;
        this.durationMicros = durationMicros;
    }

    public UUID id() {
        return id;
    }

    /**
     * The event to store: texts neutralised and capped, the address canonical (or dropped when it is not one), the
     * captured JSON canonical. Never throws for what a caller put in: a capture that is not JSON (which would be a
     * Bulwark bug) is stored as a marker instead.
     */
    public AuditEvent toEvent() {
        return event(id, occurredAtMicros, caller.org(), caller.user(), caller.email(), caller.roles(), action,
                resourceType, resourceId, resourceName, changes, caller.ip(), caller.userAgent(), caller.requestId(),
                status, errorMessage, durationMicros);
    }

    /** As {@link #toEvent()}, of a draft's fields (read back from a staging record: {@link StagedDrafts}). */
    static AuditEvent event(UUID id, long occurredAtMicros, String org, String user, String email,
            Iterable<String> callerRoles, String action, String resourceType, String resourceId, String resourceName,
            String changes, String ip, String userAgent, String requestId, Status status, String errorMessage,
            long durationMicros) {
        String json;
        try {
            json = CanonicalJson.canonical(changes);
        } catch (IllegalArgumentException e) {
            json = "{\"_error\":\"the capture could not be encoded\"}";
        }
        List<String> roles = new ArrayList<>();
        for (String role : callerRoles) {
            if (roles.size() == MAX_ROLES) {
                break;
            }
            roles.add(Text.clean(role, 128));
        }
        return new AuditEvent(id, occurredAtMicros, capped(org), capped(user), capped(email), roles,
                Text.clean(action, 128), capped(resourceType), capped(resourceId), capped(resourceName), json,
                IpAddresses.canonical(ip), capped(userAgent), capped(requestId),
                status == null ? Status.FAILURE : status, Text.clean(errorMessage, MAX_MESSAGE), durationMicros);
    }

    private static String capped(String text) {
        return Text.clean(text, MAX_SHORT_TEXT);
    }

    /** Where its record was staged, or -1 (the journal thread matches a record to the draft handed for it). */
    public long stagedAt() {
        return stagedAt;
    }

    /** Records where its record was staged ({@link io.bulwark.runtime.audit.journal.JournalThread#hand}). */
    public void stagedAt(long position) {
        this.stagedAt = position;
    }
}
