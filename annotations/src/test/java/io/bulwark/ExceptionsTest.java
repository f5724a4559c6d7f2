package io.bulwark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExceptionsTest {

    @Test
    void rateLimitedMapsTo429WithRetryAfterRoundedUpAndRateLimitHeaders() {
        RateLimitedException e = new RateLimitedException("api", 100, 0, Duration.ofMinutes(1),
                Duration.ofMillis(1_200), Duration.ofMillis(59_001));
        assertEquals(429, e.httpStatus());
        assertEquals(Map.of("Retry-After", "2", "RateLimit-Limit", "100", "RateLimit-Remaining", "0",
                "RateLimit-Reset", "60", "RateLimit-Policy", "100;w=60"), e.httpHeaders());
        assertEquals(List.of("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
                "RateLimit-Policy"), List.copyOf(e.httpHeaders().keySet()));
        assertEquals("rate limit 'api' exceeded (100 per 1m); retry after 2s", e.getMessage());
    }

    @Test
    void retryAfterIsNeverZeroSeconds() {
        RateLimitedException e = new RateLimitedException("api", 1, 0, Duration.ofSeconds(1), Duration.ofMillis(3),
                Duration.ofMillis(3));
        assertEquals("1", e.httpHeaders().get("Retry-After"));
    }

    @Test
    void lockedOutIsARateLimitRefusalThatNamesTheLock() {
        LockedOutException e = new LockedOutException("login", 5, Duration.ofMinutes(5), Duration.ofMinutes(15),
                Duration.ofSeconds(899));
        assertTrue(e instanceof RateLimitedException);
        assertEquals(429, e.httpStatus());
        assertEquals("899", e.httpHeaders().get("Retry-After"));
        assertEquals(Duration.ofMinutes(15), e.lockout());
        assertEquals("locked out by 'login' after 5 failures within 5m; retry after 14m59s", e.getMessage());
    }

    @Test
    void refusalsCarryNoStackTraceButUnavailableGuardsDo() {
        assertEquals(0, new RateLimitedException("a", 1, 0, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1)).getStackTrace().length);
        GuardUnavailableException e = new GuardUnavailableException("login", "store unavailable");
        assertTrue(e.getStackTrace().length > 0);
        assertEquals(503, e.httpStatus());
        assertEquals("guard 'login' refused the call: store unavailable", e.getMessage());
    }
}
