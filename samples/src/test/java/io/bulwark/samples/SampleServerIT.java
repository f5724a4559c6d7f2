package io.bulwark.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's promise: the sample, started with the agent, refuses the limit+1st call with 429 and Retry-After. */
class SampleServerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static SampleProcess sample;

    @BeforeAll
    static void start() throws Exception {
        sample = SampleProcess.start(true);
    }

    @AfterAll
    static void stop() throws Exception {
        sample.close();
    }

    private static HttpResponse<String> login(String email, String password) throws Exception {
        return send(HttpRequest.newBuilder(sample.base.resolve("/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=" + email + "&password=" + password)));
    }

    private static HttpResponse<String> items(String user) throws Exception {
        return send(HttpRequest.newBuilder(sample.base.resolve("/api/items")).header("X-User", user).GET());
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void startupSaysTheAgentIsActiveWithTheInMemoryEngine() {
        assertTrue(sample.startupOutput().contains("agent 0.1.0-SNAPSHOT active: rate limits in memory"),
                sample.startupOutput());
    }

    @Test
    void theSixthWrongPasswordIsRefusedWith429AndRetryAfter() throws Exception {
        for (int i = 1; i <= 5; i++) {
            assertEquals(401, login("alice@example.com", "wrong").statusCode(), "attempt " + i);
        }
        HttpResponse<String> refused = login("alice@example.com", "wrong");
        assertEquals(429, refused.statusCode());
        assertEquals("900", refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("5", refused.headers().firstValue("RateLimit-Limit").orElseThrow());
        assertEquals("0", refused.headers().firstValue("RateLimit-Remaining").orElseThrow());
        assertTrue(refused.body().contains("\"error\":\"rate_limited\""), refused.body());
        assertEquals(429, login("alice@example.com", "correct%20horse%20battery%20staple").statusCode(),
                "the right password does not open a lockout");
        assertEquals(200, login("bob@example.com", "hunter2hunter2").statusCode(), "other accounts are unaffected");
    }

    /**
     * 100 a minute is GCRA: a burst of 100, refilled at one every 0.6 s. So the first refusal comes after the 100
     * of the burst plus whatever refilled while they were sent, and says to retry within a second.
     */
    @Test
    void theApiAdmitsABurstOfItsLimitThenRefusesWith429() throws Exception {
        long start = System.nanoTime();
        for (int i = 1; i <= 100; i++) {
            assertEquals(200, items("quota-user").statusCode(), "request " + i);
        }
        int admittedPastTheBurst = 0;
        HttpResponse<String> response = items("quota-user");
        while (response.statusCode() == 200 && admittedPastTheBurst < 100) {
            admittedPastTheBurst++;
            response = items("quota-user");
        }
        double refilled = (System.nanoTime() - start) / 600_000_000.0;
        assertEquals(429, response.statusCode());
        assertTrue(admittedPastTheBurst <= Math.ceil(refilled),
                admittedPastTheBurst + " admitted past the burst, but only " + refilled + " refilled");
        assertEquals("1", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("100;w=60", response.headers().firstValue("RateLimit-Policy").orElseThrow());
        assertEquals(200, items("another-user").statusCode());
    }

    @Test
    void requestIdIsEchoedOrMade() throws Exception {
        HttpResponse<String> echoed = send(HttpRequest.newBuilder(sample.base.resolve("/api/items"))
                .header("X-User", "rid").header("X-Request-Id", "req-123").GET());
        assertEquals("req-123", echoed.headers().firstValue("X-Request-Id").orElseThrow());
        assertTrue(items("rid").headers().firstValue("X-Request-Id").orElseThrow().matches("[0-9a-f-]{36}"));
    }

    @Test
    void hostileInputIsRefusedOrNeutralisedNeverA500() throws Exception {
        HttpResponse<String> huge = send(HttpRequest.newBuilder(sample.base.resolve("/login"))
                .POST(HttpRequest.BodyPublishers.ofString("email=" + "a".repeat(100_000) + "&password=x")));
        assertEquals(413, huge.statusCode());
        assertEquals(401, login("%E0%A4%A", "%ZZ").statusCode(), "broken escapes are ignored fields");
        assertEquals(401, login("mallory%0D%0A%7Bx%7D%40example.com", "x").statusCode());
        HttpResponse<String> longUser = items("u".repeat(4_000));
        assertEquals(401, longUser.statusCode(), "an over-long X-User is ignored, so the caller is anonymous");
        HttpResponse<String> wrongMethod = send(HttpRequest.newBuilder(sample.base.resolve("/login")).GET());
        assertEquals(405, wrongMethod.statusCode());
    }

    @Test
    void withoutTheAgentTheSampleWarnsThatNothingIsGuarded() throws Exception {
        try (SampleProcess bare = SampleProcess.start(false)) {
            assertTrue(bare.startupOutput().contains("WARNING: the Bulwark agent is not running: nothing is guarded"),
                    bare.startupOutput());
        }
    }
}
