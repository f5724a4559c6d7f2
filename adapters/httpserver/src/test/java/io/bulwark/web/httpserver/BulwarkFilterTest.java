package io.bulwark.web.httpserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.RateLimitedException;
import io.bulwark.web.WebSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The filter on the JDK's own HTTP server. */
class BulwarkFilterTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/direct", BulwarkFilterTest::handle).getFilters().add(new BulwarkFilter(
                WebSettings.from(Map.of("bulwark.web.user-header", "X-User"), "test")));
        server.createContext("/proxied", BulwarkFilterTest::handle).getFilters().add(new BulwarkFilter(
                WebSettings.from(Map.of("bulwark.web.trusted-proxies", "127.0.0.1/32"), "test")));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().endsWith("/refuse")) {
            throw new RateLimitedException("login", 5, 0, Duration.ofMinutes(5), Duration.ofMinutes(15),
                    Duration.ofMinutes(15));
        }
        Caller caller = Bulwark.caller();
        byte[] body = (caller.user() + " " + caller.ip() + " " + caller.requestId()).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.getAddress().getPort() + path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCallerIsBoundForTheHandlerAndTheRequestIdEchoed() throws Exception {
        HttpResponse<String> response = get("/direct/x", "X-User", "u-7", "X-Request-Id", "r-1",
                "X-Forwarded-For", "203.0.113.9");
        assertEquals("u-7 127.0.0.1 r-1", response.body(), "the spoofed X-Forwarded-For is ignored");
        assertEquals("r-1", response.headers().firstValue("X-Request-Id").orElseThrow());
    }

    @Test
    void aTrustedPeersForwardedForIsHonoured() throws Exception {
        assertTrue(get("/proxied/x", "X-Forwarded-For", "203.0.113.9").body().startsWith("null 203.0.113.9 "));
    }

    @Test
    void aRefusalIsAnsweredWithItsStatusHeadersAndJson() throws Exception {
        HttpResponse<String> refused = get("/direct/refuse", "X-Request-Id", "r-2");
        assertEquals(429, refused.statusCode());
        assertEquals("900", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("r-2", refused.headers().firstValue("X-Request-Id").orElseThrow());
        assertEquals("{\"error\":\"rate_limited\",\"message\":\"rate limit 'login' exceeded (5 per 5m); retry after "
                + "15m\",\"retryAfterSeconds\":900,\"requestId\":\"r-2\"}\n", refused.body());
    }
}
