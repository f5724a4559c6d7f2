package io.bulwark.web;

import io.bulwark.BulwarkException;
import io.bulwark.RateLimitedException;
import io.bulwark.TwoFactorRequiredException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP answer to a {@link BulwarkException}: its status, its headers and a small JSON body, the same from every
 * adapter.
 *
 * <pre>{@code
 * } catch (BulwarkException refused) {
 *     Refusal answer = Refusal.of(refused, caller.requestId());
 *     answer.headers().forEach(response::setHeader);        // Retry-After, RateLimit-*, Content-Type
 *     response.setStatus(answer.status());
 *     response.getWriter().write(answer.body());
 * }
 * }</pre>
 *
 * <p>The body: {@code {"error":"rate_limited","message":"...","retryAfterSeconds":900,"requestId":"..."}}; a
 * step-up refusal adds its reason: {@code {"error":"two_factor_required","message":"...","reason":"MISSING",...}}.
 * The message is the exception's, which by the API's contract names no key value, argument or secret.
 *
 * @param status  the HTTP status ({@code 429}, {@code 503}, ...)
 * @param headers the exception's headers, then {@code Content-Type}, in that order
 * @param body    the JSON body, one line
 */
public record Refusal(int status, Map<String, String> headers, String body) {

    public static final String CONTENT_TYPE = "application/json;charset=utf-8";

    public Refusal {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** @param requestId the request's id, repeated in the body so that a client can quote it; null to leave out */
    public static Refusal of(BulwarkException refused, String requestId) {
        Map<String, String> headers = new LinkedHashMap<>(refused.httpHeaders());
        headers.put("Content-Type", CONTENT_TYPE);
        StringBuilder body = new StringBuilder(160).append("{\"error\":");
        Json.string(body, errorCode(refused));
        if (refused.getMessage() != null) {
            body.append(",\"message\":");
            Json.string(body, refused.getMessage());
        }
        if (refused instanceof TwoFactorRequiredException stepUp) {
            body.append(",\"reason\":");
            Json.string(body, stepUp.reason().name());
        }
        String retryAfter = refused.httpHeaders().get("Retry-After");
        if (retryAfter != null && retryAfter.matches("[0-9]{1,12}")) {
            body.append(",\"retryAfterSeconds\":").append(retryAfter);
        }
        if (requestId != null) {
            body.append(",\"requestId\":");
            Json.string(body, requestId);
        }
        return new Refusal(refused.httpStatus(), headers, body.append('}').toString());
    }

    /**
     * {@code rate_limited} for every limit and lockout (one code a client handles alike: wait {@code Retry-After});
     * else the exception's name in snake case without {@code Exception}: {@code guard_unavailable}, and for
     * refusals added later, such as {@code TwoFactorRequiredException}, {@code two_factor_required}.
     */
    static String errorCode(BulwarkException refused) {
        if (refused instanceof RateLimitedException) {
            return "rate_limited";
        }
        Class<?> type = refused.getClass();
        while (type.isAnonymousClass() || !type.getName().startsWith("io.bulwark.")) {
            type = type.getSuperclass();
        }
        String name = type.getSimpleName().replaceFirst("Exception$", "");
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
