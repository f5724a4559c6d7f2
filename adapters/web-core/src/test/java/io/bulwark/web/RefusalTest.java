package io.bulwark.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.BulwarkException;
import io.bulwark.GuardUnavailableException;
import io.bulwark.LockedOutException;
import io.bulwark.RateLimitedException;
import io.bulwark.TwoFactorRequiredException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusalTest {

    @Test
    void aRateLimitIs429WithItsHeadersAndAJsonBody() {
        Refusal r = Refusal.of(new RateLimitedException("api", 100, 0, Duration.ofMinutes(1),
                Duration.ofMillis(600), Duration.ofSeconds(60)), "req-\"1\"");
        assertEquals(429, r.status());
        assertEquals("1", r.headers().get("Retry-After"));
        assertEquals("100;w=60", r.headers().get("RateLimit-Policy"));
        assertEquals(Refusal.CONTENT_TYPE, r.headers().get("Content-Type"));
        assertEquals("{\"error\":\"rate_limited\",\"message\":\"rate limit 'api' exceeded (100 per 1m); retry after "
                + "600ms\",\"retryAfterSeconds\":1,\"requestId\":\"req-\\\"1\\\"\"}", r.body());
    }

    @Test
    void theBodyIsAsciiWhateverThePolicyIsCalled() {
        Refusal r = Refusal.of(new RateLimitedException("anmeldung-\u00fcber-\u2028", 5, 0, Duration.ofMinutes(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1)), null);
        assertEquals("{\"error\":\"rate_limited\",\"message\":\"rate limit 'anmeldung-\\u00fcber-\\u2028' exceeded "
                + "(5 per 1m); retry after 1s\",\"retryAfterSeconds\":1}", r.body());
    }

    @Test
    void aStepUpRefusalIs401WithItsChallengeAndReason() {
        Refusal r = Refusal.of(new TwoFactorRequiredException(TwoFactorRequiredException.Reason.EXPIRED,
                Duration.ofMinutes(5)), "req-2");
        assertEquals(401, r.status());
        assertEquals("Bearer error=\"insufficient_user_authentication\", error_description=\"a more recent second "
                + "factor is required\", max_age=300", r.headers().get("WWW-Authenticate"));
        assertEquals("{\"error\":\"two_factor_required\",\"message\":\"a more recent second factor is required\","
                + "\"reason\":\"EXPIRED\",\"requestId\":\"req-2\"}", r.body());
        Refusal throttled = Refusal.of(new TwoFactorRequiredException(TwoFactorRequiredException.Reason.THROTTLED,
                Duration.ofMinutes(5), Duration.ofSeconds(4)), null);
        assertEquals(429, throttled.status());
        assertTrue(throttled.body().endsWith("\"reason\":\"THROTTLED\",\"retryAfterSeconds\":4}"), throttled.body());
    }

    @Test
    void aLockoutIsARateLimitToTheClient() {
        Refusal r = Refusal.of(new LockedOutException("login", 5, Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofMinutes(15)),
                null);
        assertEquals(429, r.status());
        assertEquals("900", r.headers().get("Retry-After"));
        assertEquals("{\"error\":\"rate_limited\",\"message\":\"locked out by 'login' after 5 failures within 5m; "
                + "retry after 15m\",\"retryAfterSeconds\":900}", r.body());
    }

    @Test
    void otherRefusalsAreNamedAfterTheirExceptionIncludingOnesNotWrittenYet() {
        Refusal unavailable = Refusal.of(new GuardUnavailableException("login", "Redis is unreachable"), "r");
        assertEquals(503, unavailable.status());
        assertEquals("{\"error\":\"guard_unavailable\",\"message\":\"guard 'login' refused the call: Redis is "
                + "unreachable\",\"requestId\":\"r\"}", unavailable.body());
        assertEquals(Map.of("Content-Type", Refusal.CONTENT_TYPE), unavailable.headers());

        BulwarkException custom = new GuardUnavailableException("x", "y") {
            private static final long serialVersionUID = 1L;
        };
        assertEquals("guard_unavailable", Refusal.errorCode(custom), "a subclass answers as its Bulwark type");
    }
}
