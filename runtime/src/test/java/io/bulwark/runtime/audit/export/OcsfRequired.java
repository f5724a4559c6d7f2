package io.bulwark.runtime.audit.export;

import io.bulwark.runtime.audit.json.CanonicalJson;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What OCSF 1.8.0 requires of an event of the two classes Bulwark exports, as the schema itself says it (the
 * {@code "requirement": "required"} attributes and {@code "constraints"} of ocsf-schema at tag 1.8.0):
 * <ul>
 *   <li>{@code events/base_event.json}: {@code activity_id}, {@code category_uid}, {@code class_uid},
 *       {@code metadata}, {@code severity_id}, {@code time}, {@code type_uid} (= class_uid * 100 + activity_id);</li>
 *   <li>{@code objects/metadata.json}: {@code product}, {@code version}; {@code objects/product.json} is an
 *       {@code _entity}: at least one of {@code name}, {@code uid};</li>
 *   <li>{@code events/application/api_activity.json} (uid 3 in category 6): {@code actor}, {@code api},
 *       {@code src_endpoint}; activity 1 to 4 (or 0, 99); {@code objects/actor.json}: at least one of
 *       {@code process, user, invoked_by, session, app_name, app_uid}; {@code objects/api.json}: {@code operation};
 *       {@code objects/network_endpoint.json}: at least one of {@code ip, uid, name, hostname, svc_name,
 *       instance_uid, interface_uid, interface_name, domain};</li>
 *   <li>{@code events/iam/authentication.json} (uid 2 in category 3): {@code user}; at least one of
 *       {@code service}, {@code dst_endpoint}; activity 1 to 7 (or 0, 99); {@code objects/user.json}: at least one of
 *       {@code account, name, uid}; {@code objects/service.json} is an {@code _entity}: {@code name} or
 *       {@code uid}.</li>
 * </ul>
 * Timestamps ({@code timestamp_t}) are whole milliseconds.
 */
public final class OcsfRequired {

    private OcsfRequired() {
    }

    /** What {@code json} lacks of its class's requirements; empty when nothing. */
    @SuppressWarnings("unchecked")
    public static List<String> problems(String json) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> e;
        try {
            e = (Map<String, Object>) CanonicalJson.parse(json);
        } catch (RuntimeException bad) {
            return List.of("not a JSON object: " + bad.getMessage());
        }
        for (String name : List.of("activity_id", "category_uid", "class_uid", "severity_id", "time", "type_uid")) {
            if (!(e.get(name) instanceof BigDecimal n) || n.scale() > 0) {
                problems.add(name + " is not a whole number");
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        long cls = number(e, "class_uid");
        long activity = number(e, "activity_id");
        if (number(e, "type_uid") != cls * 100 + activity) {
            problems.add("type_uid is not class_uid * 100 + activity_id");
        }
        if (!Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 99L).contains(number(e, "severity_id"))) {
            problems.add("severity_id is not one of the schema's");
        }
        Map<String, Object> metadata = object(e, "metadata", problems);
        if (metadata != null) {
            if (!(metadata.get("version") instanceof String)) {
                problems.add("metadata.version is missing");
            }
            Map<String, Object> product = object(metadata, "product", problems);
            oneOf(product, "metadata.product", problems, "name", "uid");
        }
        if (cls == 6003) {
            expect(number(e, "category_uid") == 6, "category_uid of API Activity is 6", problems);
            expect(Set.of(0L, 1L, 2L, 3L, 4L, 99L).contains(activity), "activity_id of API Activity", problems);
            Map<String, Object> actor = object(e, "actor", problems);
            oneOf(actor, "actor", problems, "process", "user", "invoked_by", "session", "app_name", "app_uid");
            if (actor != null && actor.get("user") instanceof Map<?, ?> user) {
                oneOf((Map<String, Object>) user, "actor.user", problems, "account", "name", "uid");
            }
            Map<String, Object> api = object(e, "api", problems);
            if (api != null && !(api.get("operation") instanceof String)) {
                problems.add("api.operation is missing");
            }
            oneOf(object(e, "src_endpoint", problems), "src_endpoint", problems, "ip", "uid", "name", "hostname",
                    "svc_name", "instance_uid", "interface_uid", "interface_name", "domain");
        } else if (cls == 3002) {
            expect(number(e, "category_uid") == 3, "category_uid of Authentication is 3", problems);
            expect(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 99L).contains(activity), "activity_id of Authentication",
                    problems);
            oneOf(object(e, "user", problems), "user", problems, "account", "name", "uid");
            if (e.get("service") == null && e.get("dst_endpoint") == null) {
                problems.add("neither service nor dst_endpoint");
            } else if (e.get("service") instanceof Map<?, ?> service) {
                oneOf((Map<String, Object>) service, "service", problems, "name", "uid");
            }
        } else {
            problems.add("class_uid " + cls + " is neither API Activity (6003) nor Authentication (3002)");
        }
        return problems;
    }

    private static long number(Map<String, Object> e, String name) {
        return ((BigDecimal) e.get(name)).longValueExact();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String name, List<String> problems) {
        if (parent != null && parent.get(name) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        problems.add(name + " is missing");
        return null;
    }

    private static void oneOf(Map<String, Object> object, String name, List<String> problems, String... attributes) {
        if (object == null) {
            return;
        }
        for (String a : attributes) {
            if (object.get(a) != null) {
                return;
            }
        }
        problems.add(name + " has none of " + String.join(", ", attributes));
    }

    private static void expect(boolean condition, String what, List<String> problems) {
        if (!condition) {
            problems.add(what);
        }
    }
}
