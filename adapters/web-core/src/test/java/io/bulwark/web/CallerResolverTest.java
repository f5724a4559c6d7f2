package io.bulwark.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Caller;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerResolverTest {

    /** A request as a value: what a server would hand the resolver. */
    private record Request(String peer, Map<String, List<String>> headerLines, String principal,
            Map<String, Object> attributes, String session, Set<String> serverRoles) implements HttpRequestView {

        static Request from(String peer, Map<String, List<String>> headers) {
            return new Request(peer, headers, null, Map.of(), null, Set.of());
        }

        @Override
        public String peerAddress() {
            return peer;
        }

        @Override
        public List<String> headers(String name) {
            return headerLines.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue).findFirst().orElse(List.of());
        }

        @Override
        public String principal() {
            return principal;
        }

        @Override
        public Object attribute(String name) {
            return attributes.get(name);
        }

        @Override
        public String sessionId() {
            return session;
        }

        @Override
        public boolean inRole(String role) {
            return serverRoles.contains(role);
        }
    }

    private static final CallerResolver GATEWAY = new CallerResolver(WebSettings.from(Map.of(
            "bulwark.web.user-header", "X-User", "bulwark.web.roles-header", "X-Roles",
            "bulwark.web.roles", "admin, auditor", "bulwark.web.org-header", "X-Org",
            "bulwark.web.org-attribute", "tenant"), "test"));

    @Test
    void aPlainRequestIsAnAnonymousCallerWithItsPeerAndAFreshRequestId() {
        Caller caller = new CallerResolver(WebSettings.defaults()).resolve(Request.from("127.0.0.1",
                Map.of("X-User", List.of("mallory"), "User-Agent", List.of("curl/8.0"))));
        assertNull(caller.user(), "no user header is configured, so none is believed");
        assertEquals("127.0.0.1", caller.ip());
        assertEquals("curl/8.0", caller.userAgent());
        assertTrue(caller.requestId().matches("[0-9a-f-]{36}"), caller.requestId());
    }

    @Test
    void configuredHeadersNameTheUserRolesAndOrg() {
        Caller caller = GATEWAY.resolve(Request.from("10.0.0.1", Map.of("X-User", List.of("u-42"),
                "X-Roles", List.of("reader, writer"), "X-Org", List.of("acme"), "X-Request-Id", List.of("req-1"))));
        assertEquals("u-42", caller.user());
        assertEquals(Set.of("reader", "writer"), caller.roles());
        assertEquals("acme", caller.org());
        assertEquals("req-1", caller.requestId());
    }

    @Test
    void theAuthenticatedPrincipalWinsOverTheUserHeaderAndServerRolesAreAsked() {
        Caller caller = GATEWAY.resolve(new Request("10.0.0.1", Map.of("X-User", List.of("mallory")), "alice",
                Map.of("tenant", "initech"), null, Set.of("auditor", "other")));
        assertEquals("alice", caller.user());
        assertEquals(Set.of("auditor"), caller.roles(), "only the configured roles are asked");
        assertEquals("initech", caller.org(), "the attribute wins over the header");
    }

    @Test
    void repeatedOverlongOrNonAsciiIdentifiersNameNobody() {
        for (List<String> bad : List.of(List.of("a", "b"), List.of("a,b"), List.of("u".repeat(129)),
                List.of("j\u00f6rg"), List.of("x\r\ny"), List.of(""))) {
            Caller caller = GATEWAY.resolve(Request.from("10.0.0.1", Map.of("X-User", bad, "X-Request-Id", bad,
                    "X-Org", bad, "User-Agent", bad)));
            assertNull(caller.user(), bad.toString());
            assertNull(caller.org(), bad.toString());
            assertTrue(caller.requestId().matches("[0-9a-f-]{36}"), "a fresh id instead of " + bad);
        }
        Caller agent = GATEWAY.resolve(Request.from("10.0.0.1", Map.of("User-Agent",
                List.of("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"))));
        assertEquals("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)", agent.userAgent());
    }

    @Test
    void theSessionIsAnOpaqueStableStandInNeverTheIdItself() {
        Caller first = GATEWAY.resolve(new Request("10.0.0.1", Map.of(), null, Map.of(), "8F3A9C1E2B", Set.of()));
        Caller again = GATEWAY.resolve(new Request("10.0.0.1", Map.of(), null, Map.of(), "8F3A9C1E2B", Set.of()));
        Caller other = GATEWAY.resolve(new Request("10.0.0.1", Map.of(), null, Map.of(), "8F3A9C1E2C", Set.of()));
        assertEquals(first.session(), again.session());
        assertNotEquals(first.session(), other.session());
        assertTrue(first.session().startsWith("s-") && !first.session().contains("8F3A9C1E2B"), first.session());
    }

    @Test
    void aSecondFactorCodeComesFromXOtpAndASessionFromAConfiguredHeaderUnlessTheServerHasOne() {
        CallerResolver resolver = new CallerResolver(WebSettings.from(Map.of("bulwark.web.session-header",
                "X-Session"), "test"));
        Caller caller = resolver.resolve(Request.from("10.0.0.1", Map.of("X-OTP", List.of("123456"),
                "X-Session", List.of("gw-7"))));
        assertEquals("123456", caller.otp());
        assertEquals(CallerResolver.opaque("gw-7"), caller.session());
        Caller serverSession = resolver.resolve(new Request("10.0.0.1", Map.of("X-Session", List.of("gw-7")), null,
                Map.of(), "server-9", Set.of()));
        assertEquals(CallerResolver.opaque("server-9"), serverSession.session(), "the server's own session wins");
        assertEquals(null, resolver.resolve(Request.from("10.0.0.1", Map.of("X-OTP", List.of("1", "2")))).otp(),
                "two codes are none");
        assertEquals(null, new CallerResolver(WebSettings.from(Map.of("bulwark.web.otp-header", ""), "test"))
                .resolve(Request.from("10.0.0.1", Map.of("X-OTP", List.of("123456")))).otp(), "switched off");
        assertEquals(null, GATEWAY.resolve(Request.from("10.0.0.1", Map.of("X-Session", List.of("gw-7")))).session(),
                "no session header unless configured");
    }

    @Test
    void theForwardingHeaderIsOnlyReadFromATrustedPeer() {
        CallerResolver behindProxy = new CallerResolver(WebSettings.from(Map.of("bulwark.web.trusted-proxies",
                "127.0.0.1/32"), "test"));
        Map<String, List<String>> spoofed = Map.of("X-Forwarded-For", List.of("203.0.113.9"));
        assertEquals("203.0.113.9", behindProxy.resolve(Request.from("127.0.0.1", spoofed)).ip());
        assertEquals("198.51.100.2", behindProxy.resolve(Request.from("198.51.100.2", spoofed)).ip());
    }
}
