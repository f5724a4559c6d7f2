package io.bulwark.web.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filter in a real Tomcat, spoken to over real sockets. */
class BulwarkFilterTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path baseDir;
    private static TomcatServer tomcat;

    @BeforeAll
    static void start() throws Exception {
        tomcat = new TomcatServer(baseDir);
    }

    @AfterAll
    static void stop() throws Exception {
        tomcat.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tomcat.port + path))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The caller the servlet saw, field by field. */
    private static Map<String, String> caller(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> fields = new HashMap<>();
        response.body().lines().forEach(l -> fields.put(l.substring(0, l.indexOf('=')),
                l.substring(l.indexOf('=') + 1)));
        return fields;
    }

    /** A request written byte for byte, for what well-behaved clients refuse to send; the status code answered. */
    private static int raw(String host, byte[] head) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName(host), tomcat.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n' && b >= 0; b = in.read()) {
                line.write(b);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            assertTrue(status.startsWith("HTTP/1.1 "), status);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    private static byte[] head(String path, String... headerLines) {
        StringBuilder s = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (String line : headerLines) {
            s.append(line).append("\r\n");
        }
        return s.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theCallerComesFromTheSocketAndTheConfiguredHeaders() throws Exception {
        Map<String, String> caller = caller(get("/direct/whoami", "X-User", "u-42", "X-Org", "acme",
                "User-Agent", "probe/1.0"));
        assertEquals("u-42", caller.get("user"));
        assertEquals("127.0.0.1", caller.get("ip"));
        assertEquals("acme", caller.get("org"));
        assertEquals("probe/1.0", caller.get("userAgent"));
        assertEquals("[]", caller.get("roles"), "no principal, so no role");
    }

    @Test
    void anAuthenticatedPrincipalWinsAndItsRolesAreAsked() throws Exception {
        Map<String, String> caller = caller(get("/authenticated/whoami", "X-User", "mallory"));
        assertEquals("alice", caller.get("user"));
        assertEquals("[auditor]", caller.get("roles"));
    }

    @Test
    void theRequestIdIsEchoedOrMadeAndNeverTakenWhenUnsafe() throws Exception {
        HttpResponse<String> echoed = get("/direct/whoami", "X-Request-Id", "req-123");
        assertEquals("req-123", echoed.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("req-123", caller(echoed).get("requestId"));
        HttpResponse<String> made = get("/direct/whoami");
        assertTrue(made.headers().firstValue("X-Request-Id").orElseThrow().matches("[0-9a-f-]{36}"));
        HttpResponse<String> overlong = get("/direct/whoami", "X-Request-Id", "r".repeat(500));
        assertTrue(overlong.headers().firstValue("X-Request-Id").orElseThrow().matches("[0-9a-f-]{36}"));
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        assertEquals("127.0.0.1", caller(get("/direct/whoami", "X-Forwarded-For", "203.0.113.9")).get("ip"));
    }

    @Test
    void aTrustedPeersForwardedForIsHonouredUpToTheFirstUntrustedHop() throws Exception {
        assertEquals("203.0.113.9", caller(get("/proxied/whoami", "X-Forwarded-For", "203.0.113.9")).get("ip"));
        assertEquals("203.0.113.9", caller(get("/proxied/whoami", "X-Forwarded-For", "6.6.6.6, 203.0.113.9, "
                + "127.0.0.1")).get("ip"), "6.6.6.6 is what the client claimed; 127.0.0.1 is a trusted hop");
        assertEquals("127.0.0.1", caller(get("/proxied/whoami", "X-Forwarded-For", "unknown")).get("ip"));
    }

    @Test
    void overIpv6TheLoopbackIsTrustedAndSpelledCanonically() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://[::1]:" + tomcat.port + "/proxied/whoami"))
                .header("X-Forwarded-For", "2001:DB8:0:0::7").timeout(Duration.ofSeconds(10)).build();
        assertEquals("2001:db8::7", caller(HTTP.send(request, HttpResponse.BodyHandlers.ofString())).get("ip"));
        HttpRequest direct = HttpRequest.newBuilder(URI.create("http://[::1]:" + tomcat.port + "/direct/whoami"))
                .timeout(Duration.ofSeconds(10)).build();
        assertEquals("::1", caller(HTTP.send(direct, HttpResponse.BodyHandlers.ofString())).get("ip"),
                "Tomcat reports 0:0:0:0:0:0:0:1");
    }

    @Test
    void severalForwardedForLinesAreOneChain() throws Exception {
        assertEquals(200, raw("127.0.0.1", head("/proxied/whoami", "X-Forwarded-For: 6.6.6.6",
                "X-Forwarded-For: 203.0.113.9")));
    }

    @Test
    void theSessionIsAnOpaqueStandInForTheCookie() throws Exception {
        HttpResponse<String> first = get("/direct/session");
        assertEquals("null", caller(first).get("session"), "the filter never creates a session");
        String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String session = caller(get("/direct/whoami", "Cookie", cookie)).get("session");
        assertTrue(session.startsWith("s-"), session);
        assertFalse(session.contains(cookie.substring(cookie.indexOf('=') + 1)), "the session id is a secret");
    }

    @Test
    void aRefusalIsAnsweredWithItsStatusHeadersAndJson() throws Exception {
        HttpResponse<String> refused = get("/direct/refuse", "X-Request-Id", "req-9");
        assertEquals(429, refused.statusCode());
        assertEquals("7", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("100", refused.headers().firstValue("RateLimit-Limit").orElseThrow());
        assertEquals("req-9", refused.headers().firstValue("X-Request-Id").orElseThrow());
        assertTrue(refused.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json;charset="),
                "the servlet had opened its writer, whose charset stays");
        assertEquals("https://app.example.com", refused.headers().firstValue("Access-Control-Allow-Origin")
                .orElseThrow(), "headers set before the refusal (CORS) stay");
        assertEquals("{\"error\":\"rate_limited\",\"message\":\"rate limit 'api' exceeded (100 per 1m); retry after "
                + "7s\",\"retryAfterSeconds\":7,\"requestId\":\"req-9\"}\n", refused.body());
    }

    @Test
    void aRefusalWrappedByAFrameworkIsFoundAndAnswered() throws Exception {
        HttpResponse<String> refused = get("/direct/refuse-wrapped");
        assertEquals(429, refused.statusCode());
        assertEquals("7", refused.headers().firstValue("Retry-After").orElseThrow());
        HttpResponse<String> unavailable = get("/proxied/unavailable");
        assertEquals(503, unavailable.statusCode());
        assertTrue(unavailable.body().startsWith("{\"error\":\"guard_unavailable\""), unavailable.body());
    }

    @Test
    void aRefusalAfterTheAnswerBeganIsLeftToTheContainer() throws Exception {
        // Tomcat then cuts the chunked body short, which is all a server can still say.
        assertEquals(200, raw("127.0.0.1", head("/direct/refuse-after-commit")), "the status went out first");
    }

    @Test
    void malformedHeadersNeverCauseA500() throws Exception {
        // Non-ASCII bytes (UTF-8 "jörg"), repeated identity headers, a huge value, a huge forwarding chain.
        byte[] nonAscii = head("/direct/whoami", "X-User: j\u00c3\u00b6rg", "X-Org: \u00ff\u00fe",
                "User-Agent: \u0080");
        assertEquals(200, raw("127.0.0.1", nonAscii));
        assertEquals(200, raw("127.0.0.1", head("/direct/whoami", "X-User: a", "X-User: b", "X-Request-Id: 1",
                "X-Request-Id: 2")));
        assertEquals(200, raw("127.0.0.1", head("/proxied/whoami", "X-User: " + "u".repeat(7_000))));
        assertEquals(200, raw("127.0.0.1", head("/proxied/whoami", "X-Forwarded-For: " + "127.0.0.1,".repeat(700))));
        assertEquals(200, raw("127.0.0.1", head("/proxied/whoami", "X-Forwarded-For: [::1", "Forwarded: for=\"")));
        int tooLarge = raw("127.0.0.1", head("/direct/whoami", "X-User: " + "u".repeat(20_000)));
        assertEquals(400, tooLarge, "past Tomcat's header limit, Tomcat itself refuses");

        Map<String, String> anonymous = caller(get("/direct/whoami", "X-User", "u".repeat(7_000)));
        assertEquals("null", anonymous.get("user"), "an over-long user header names nobody");
        assertNotEquals("null", anonymous.get("requestId"));
    }
}
