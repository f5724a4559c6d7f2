package io.bulwark.runtime.audit.export;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.json.JsonText;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * An audit event as an OCSF 1.8.0 event (the Open Cybersecurity Schema Framework, schema.ocsf.io), one JSON object,
 * for a SIEM: an <b>Authentication</b> event (class 3002, category 3) when the action's verb is a log on or off
 * ({@code user.login}, {@code session.logout}, {@code sign-in}...), else an <b>API Activity</b> (class 6003, category
 * 6) whose activity is read from the verb: Create, Read, Update, Delete, or Other (99).
 *
 * <p>Every attribute the two classes require is filled: {@code activity_id}, {@code category_uid}, {@code class_uid},
 * {@code type_uid} ({@code class_uid * 100 + activity_id}), {@code severity_id}, {@code time} (milliseconds),
 * {@code metadata} ({@code product}, {@code version}); for API Activity {@code actor}, {@code api.operation} (the
 * action) and {@code src_endpoint}; for Authentication {@code user} and {@code service}. What the event does not know
 * is said so rather than left out: a call with no bound user has the actor {@code anonymous}, one without an address
 * the source endpoint {@code unknown}. Severity: success 1 (Informational), failure 2 (Low), denied 3 (Medium).
 * Columns without an OCSF attribute ({@code changes}, the resource's and the caller's roles, the duration in
 * microseconds) go under {@code unmapped}.
 */
public final class Ocsf {

    public static final String VERSION = "1.8.0";
    static final int API_ACTIVITY = 6003;
    static final int AUTHENTICATION = 3002;

    private static final Set<String> LOGON = Set.of("login", "logon", "signin", "authenticate", "auth");
    private static final Set<String> LOGOFF = Set.of("logout", "logoff", "signout");
    private static final Set<String> CREATE = Set.of("create", "add", "insert", "new", "register", "post", "enroll",
            "upload", "submit", "issue", "invite", "generate", "open");
    private static final Set<String> READ = Set.of("read", "get", "list", "view", "show", "query", "search", "fetch",
            "find", "export", "download", "lookup", "describe");
    private static final Set<String> UPDATE = Set.of("update", "edit", "modify", "change", "set", "patch", "put",
            "rename", "replace", "reset", "confirm", "approve", "reject", "enable", "disable", "lock", "unlock",
            "assign", "move", "grant");
    private static final Set<String> DELETE = Set.of("delete", "remove", "destroy", "revoke", "cancel", "purge",
            "erase", "drop");

    private Ocsf() {
    }

    /**
     * @param service what Authentication events name as the service logged in to (OCSF asks for a service or a
     *                destination endpoint, which the event does not know)
     * @param product Bulwark's version, for {@code metadata.product.version}
     */
    public static String toJson(AuditEvent e, String service, String product) {
        String verb = verb(e.action());
        int classUid;
        int activity;
        String activityName;
        if (LOGON.contains(verb) || LOGOFF.contains(verb)) {
            classUid = AUTHENTICATION;
            activity = LOGON.contains(verb) ? 1 : 2;
            activityName = activity == 1 ? "Logon" : "Logoff";
        } else {
            classUid = API_ACTIVITY;
            activity = CREATE.contains(verb) ? 1 : READ.contains(verb) ? 2 : UPDATE.contains(verb) ? 3
                    : DELETE.contains(verb) ? 4 : 99;
            activityName = switch (activity) {
                case 1 -> "Create";
                case 2 -> "Read";
                case 3 -> "Update";
                case 4 -> "Delete";
                default -> "Other";
            };
        }
        long millis = Math.floorDiv(e.occurredAtMicros(), 1_000L);
        Json out = new Json();
        out.begin();
        out.number("activity_id", activity).string("activity_name", activityName);
        out.number("category_uid", classUid / 1000).string("category_name", classUid == AUTHENTICATION
                ? "Identity & Access Management" : "Application Activity");
        out.number("class_uid", classUid).string("class_name", classUid == AUTHENTICATION ? "Authentication"
                : "API Activity");
        out.number("type_uid", classUid * 100L + activity).string("type_name", (classUid == AUTHENTICATION
                ? "Authentication: " : "API Activity: ") + activityName);
        out.number("severity_id", e.status() == Status.SUCCESS ? 1 : e.status() == Status.FAILURE ? 2 : 3);
        out.number("status_id", e.status() == Status.SUCCESS ? 1 : 2).string("status", e.status() == Status.SUCCESS
                ? "Success" : "Failure").string("status_code", e.status().text());
        if (e.errorMessage() != null) {
            out.string("status_detail", e.errorMessage());
        }
        out.string("message", e.action() + " " + e.status().text());
        out.number("time", millis).number("start_time", millis)
                .number("end_time", millis + e.durationMicros() / 1_000L)
                .number("duration", e.durationMicros() / 1_000L);
        out.object("metadata").string("version", VERSION).string("uid", e.id().toString())
                .string("original_time", instant(e.occurredAtMicros())).string("log_name", "audit_logs")
                .string("log_provider", "Bulwark");
        if (e.requestId() != null) {
            out.string("correlation_uid", e.requestId());
        }
        if (e.orgId() != null) {
            out.string("tenant_uid", e.orgId());
        }
        out.object("product").string("name", "Bulwark").string("vendor_name", "Bulwark");
        if (product != null) {
            out.string("version", product);
        }
        out.end().end();
        if (classUid == AUTHENTICATION) {
            out.object("user");
            if (e.userId() != null) {
                out.string("uid", e.userId());
                if (e.userEmail() != null) {
                    out.string("email_addr", e.userEmail());
                }
            } else {
                // Not yet logged in: the resource is whom the attempt was for (resourceId = "{email}").
                out.string("name", e.resourceId() != null ? e.resourceId() : "unknown");
            }
            out.end();
            out.object("service").string("name", service).end();
            if (e.userId() != null) {
                actor(out, e);
            }
        } else {
            actor(out, e);
            out.object("api").string("operation", e.action());
            if (e.requestId() != null) {
                out.object("request").string("uid", e.requestId()).end();
            }
            out.end();
            if (e.resourceType() != null || e.resourceId() != null || e.resourceName() != null) {
                out.array("resources").begin();
                if (e.resourceType() != null) {
                    out.string("type", e.resourceType());
                }
                if (e.resourceId() != null) {
                    out.string("uid", e.resourceId());
                }
                if (e.resourceName() != null) {
                    out.string("name", e.resourceName());
                }
                out.end().endArray();
            }
        }
        out.object("src_endpoint");
        if (e.ipAddress() != null) {
            out.string("ip", e.ipAddress());
        } else {
            out.string("name", "unknown");
        }
        out.end();
        if (e.userAgent() != null) {
            out.object("http_request").string("user_agent", e.userAgent()).end();
        }
        out.object("unmapped").string("action", e.action()).number("duration_us", e.durationMicros());
        if (e.resourceType() != null) {
            out.string("resource_type", e.resourceType());
        }
        if (e.resourceId() != null) {
            out.string("resource_id", e.resourceId());
        }
        if (e.resourceName() != null) {
            out.string("resource_name", e.resourceName());
        }
        if (e.changes() != null) {
            out.raw("changes", e.changes());
        }
        out.end();
        return out.end().toString();
    }

    private static void actor(Json out, AuditEvent e) {
        out.object("actor").object("user");
        if (e.userId() != null) {
            out.string("uid", e.userId());
            if (e.userEmail() != null) {
                out.string("email_addr", e.userEmail());
            }
            if (e.orgId() != null) {
                out.object("org").string("uid", e.orgId()).end();
            }
            if (!e.roles().isEmpty()) {
                out.array("groups");
                for (String role : e.roles()) {
                    out.begin().string("name", role).end();
                }
                out.endArray();
            }
        } else {
            out.string("name", "anonymous");
        }
        out.end().end();
    }

    /** The action's verb, its last part without separators, lower case: {@code user.log-in} gives {@code login}. */
    static String verb(String action) {
        String last = action.substring(action.lastIndexOf('.') + 1);
        StringBuilder verb = new StringBuilder(last.length());
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c != '-' && c != '_') {
                verb.append(Character.toLowerCase(c));
            }
        }
        return verb.toString().toLowerCase(Locale.ROOT);
    }

    private static String instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
                .toString();
    }

    /** A compact JSON writer: members in the order written, commas where they belong. */
    private static final class Json {
        private final StringBuilder out = new StringBuilder(512);
        private boolean first = true;

        Json begin() {
            comma();
            out.append('{');
            first = true;
            return this;
        }

        Json end() {
            out.append('}');
            first = false;
            return this;
        }

        Json object(String name) {
            name(name);
            out.append('{');
            first = true;
            return this;
        }

        Json array(String name) {
            name(name);
            out.append('[');
            first = true;
            return this;
        }

        Json endArray() {
            out.append(']');
            first = false;
            return this;
        }

        Json string(String name, String value) {
            name(name);
            JsonText.quote(out, value);
            return this;
        }

        Json number(String name, long value) {
            name(name);
            out.append(value);
            return this;
        }

        /** A member whose value is JSON already. */
        Json raw(String name, String json) {
            name(name);
            out.append(json);
            return this;
        }

        private void name(String name) {
            comma();
            JsonText.quote(out, name);
            out.append(':');
        }

        private void comma() {
            if (!first) {
                out.append(',');
            }
            first = false;
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
