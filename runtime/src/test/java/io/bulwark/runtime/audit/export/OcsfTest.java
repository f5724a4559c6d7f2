package io.bulwark.runtime.audit.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Status;
import io.bulwark.runtime.audit.capture.UuidV7;
import io.bulwark.runtime.audit.json.CanonicalJson;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OcsfTest {

    private static AuditEvent event(String action, String user, String ip, Status status, String error) {
        return new AuditEvent(UuidV7.next(1_795_348_800_000L), 1_795_348_800_123_456L, user == null ? null : "acme",
                user, user == null ? null : user + "@example.com", user == null ? List.of() : List.of("admin"), action,
                "user", "ann@example.com", null, "{\"args\":{\"email\":\"ann@example.com\"}}", ip, "curl/8", "req-7",
                status, error, 1_500);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String json) {
        return (Map<String, Object>) CanonicalJson.parse(json);
    }

    @Test
    void aLoginIsAnAuthenticationLogonWithEveryRequiredAttribute() {
        String json = Ocsf.toJson(event("user.login", null, "203.0.113.9", Status.FAILURE, "BadCredentials: no"),
                "payments", "1.0");
        assertEquals(List.of(), OcsfRequired.problems(json), json);
        Map<String, Object> e = parse(json);
        assertEquals(new BigDecimal(3002), e.get("class_uid"));
        assertEquals(new BigDecimal(300201), e.get("type_uid"));
        assertEquals(new BigDecimal(1_795_348_800_123L), e.get("time"));
        assertEquals(new BigDecimal(2), e.get("status_id"));
        assertEquals("BadCredentials: no", e.get("status_detail"));
        assertEquals(Map.of("name", "ann@example.com"), e.get("user"));
        assertEquals(Map.of("name", "payments"), e.get("service"));
    }

    @Test
    void otherActionsAreApiActivityByTheirVerb() {
        Map<String, Integer> verbs = Map.of("transfer.create", 1, "report.export", 2, "user.rename", 3,
                "account.delete", 4, "cache.warm", 99, "session.log-out", -2, "user.sign_in", -1);
        for (Map.Entry<String, Integer> v : verbs.entrySet()) {
            for (String user : new String[] {"u-42", null}) {
                for (String ip : new String[] {"2001:db8::1", null}) {
                    String json = Ocsf.toJson(event(v.getKey(), user, ip, Status.DENIED, "RateLimitedException: x"),
                            "unknown", null);
                    assertEquals(List.of(), OcsfRequired.problems(json), json);
                    Map<String, Object> e = parse(json);
                    int expected = v.getValue();
                    assertEquals(new BigDecimal(expected < 0 ? 3002 : 6003), e.get("class_uid"), json);
                    assertEquals(new BigDecimal(Math.abs(expected)), e.get("activity_id"), json);
                    assertEquals(new BigDecimal(3), e.get("severity_id"), "denied is Medium");
                }
            }
        }
    }

    @Test
    void theCapturedArgumentsStayJsonUnderUnmapped() {
        Map<String, Object> e = parse(Ocsf.toJson(event("order.create", "u-1", null, Status.SUCCESS, null), "x",
                null));
        Map<String, Object> unmapped = (Map<String, Object>) e.get("unmapped");
        assertEquals(Map.of("args", Map.of("email", "ann@example.com")), unmapped.get("changes"));
        assertTrue(((Map<?, ?>) e.get("actor")).containsKey("user"));
    }

    @Test
    void theRequirementsCheckFindsWhatIsMissing() {
        String api = Ocsf.toJson(event("transfer.create", "u-1", "203.0.113.9", Status.SUCCESS, null), "x", null);
        assertEquals(List.of("src_endpoint is missing"), OcsfRequired.problems(api.replace("\"src_endpoint\"",
                "\"source\"")));
        assertEquals(List.of("api.operation is missing"), OcsfRequired.problems(api.replace("\"operation\"",
                "\"op\"")));
        assertEquals(List.of("type_uid is not class_uid * 100 + activity_id"), OcsfRequired.problems(api.replace(
                "\"type_uid\":600301", "\"type_uid\":600302")));
        String login = Ocsf.toJson(event("user.login", null, null, Status.SUCCESS, null), "x", null);
        assertEquals(List.of("neither service nor dst_endpoint"), OcsfRequired.problems(login.replace("\"service\"",
                "\"svc\"")));
    }
}
