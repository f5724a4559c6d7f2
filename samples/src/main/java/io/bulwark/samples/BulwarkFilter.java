package io.bulwark.samples;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.RateLimitedException;
import io.bulwark.TwoFactorRequiredException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Binds the caller of each request (client IP from the socket, user from {@code X-User}, session from
 * {@code X-Session}, a second-factor code from {@code X-OTP}, request id from {@code X-Request-Id} or a fresh one,
 * echoed back) and answers any {@link BulwarkException} with its HTTP status, headers and a small JSON body.
 *
 * <p>The IP is the socket's peer: behind a reverse proxy, every client would share the proxy's address.
 * {@code X-Forwarded-For} must only be believed from a trusted proxy (the web adapters' issue does that).
 */
final class BulwarkFilter extends Filter {

    /** Header values that go into a caller are bounded and printable; anything else is ignored. */
    private static final Pattern SAFE_VALUE = Pattern.compile("[\\x21-\\x7e]{1,128}");

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        String requestId = header(exchange, "X-Request-Id");
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        exchange.getResponseHeaders().set("X-Request-Id", requestId);
        Caller caller = Caller.of(header(exchange, "X-User"))
                .ip(exchange.getRemoteAddress().getAddress().getHostAddress())
                .requestId(requestId)
                .session(header(exchange, "X-Session"))
                .otp(header(exchange, "X-OTP"))
                .userAgent(header(exchange, "User-Agent"));
        try (Bulwark.Scope scope = Bulwark.bind(caller)) {
            chain.doFilter(exchange);
        } catch (BulwarkException refused) {
            refused.httpHeaders().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", refused instanceof RateLimitedException ? "rate_limited"
                    : refused instanceof TwoFactorRequiredException ? "second_factor_required" : "unavailable");
            if (refused instanceof TwoFactorRequiredException stepUp) {
                body.put("reason", stepUp.reason().name());
            }
            body.put("message", refused.getMessage());
            if (refused instanceof RateLimitedException limited) {
                body.put("retryAfterSeconds", Long.parseLong(limited.httpHeaders().get("Retry-After")));
            }
            Http.send(exchange, refused.httpStatus(), Json.object(body));
        }
    }

    private static String header(HttpExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value != null && SAFE_VALUE.matcher(value).matches() ? value : null;
    }

    @Override
    public String description() {
        return "binds the Bulwark caller and maps refusals to HTTP answers";
    }
}
