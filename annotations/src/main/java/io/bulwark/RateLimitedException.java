package io.bulwark;

import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A call refused by a {@link RateLimited} policy: HTTP 429 with {@code Retry-After} and the
 * {@code RateLimit-*} headers (IETF draft "RateLimit header fields for HTTP").
 */
public class RateLimitedException extends BulwarkException {

    private static final long serialVersionUID = 1L;

    private final String policy;
    private final int limit;
    private final int remaining;
    private final Duration window;
    private final Duration retryAfter;
    private final Duration resetAfter;

    /**
     * @param policy     the policy's name
     * @param limit      its limit per window
     * @param remaining  calls (or failures) still allowed now, usually 0
     * @param window     its window
     * @param retryAfter how long until a call can be admitted again
     * @param resetAfter how long until the key's counter is back to full
     */
    public RateLimitedException(String policy, int limit, int remaining, Duration window, Duration retryAfter,
            Duration resetAfter) {
        this(message("rate limit '" + policy + "' exceeded (" + limit + " per " + Durations.format(window) + ")",
                retryAfter), policy, limit, remaining, window, retryAfter, resetAfter);
    }

    protected RateLimitedException(String message, String policy, int limit, int remaining, Duration window,
            Duration retryAfter, Duration resetAfter) {
        // No stack trace: refusals are the expected answer to abusive traffic, thrown at its rate, and where
        // they came from is always the guarded method's entry.
        super(message, false);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.limit = limit;
        this.remaining = remaining;
        this.window = Objects.requireNonNull(window, "window");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
        this.resetAfter = Objects.requireNonNull(resetAfter, "resetAfter");
    }

    static String message(String what, Duration retryAfter) {
        return what + "; retry after " + Durations.format(retryAfter);
    }

    public String policy() {
        return policy;
    }

    public int limit() {
        return limit;
    }

    public int remaining() {
        return remaining;
    }

    public Duration window() {
        return window;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Duration resetAfter() {
        return resetAfter;
    }

    /** 429 Too Many Requests. */
    @Override
    public int httpStatus() {
        return 429;
    }

    /**
     * {@code Retry-After}, {@code RateLimit-Limit}, {@code RateLimit-Remaining}, {@code RateLimit-Reset} and
     * {@code RateLimit-Policy}, in whole seconds rounded up (a client that waits the advertised time is never
     * early).
     */
    @Override
    public Map<String, String> httpHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(Math.max(1, Durations.ceilSeconds(retryAfter))));
        headers.put("RateLimit-Limit", Integer.toString(limit));
        headers.put("RateLimit-Remaining", Integer.toString(remaining));
        headers.put("RateLimit-Reset", Long.toString(Durations.ceilSeconds(resetAfter)));
        headers.put("RateLimit-Policy", limit + ";w=" + Durations.ceilSeconds(window));
        return Collections.unmodifiableMap(headers);
    }
}
