package io.bulwark;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Step-up authentication: the caller must have verified a second factor (a TOTP code from an authenticator app, or a
 * recovery code) within {@link #maxAge()} before the method runs.
 *
 * <pre>{@code
 * @Requires2FA(maxAge = "5m")
 * @Audited(action = "transfer.create", resourceType = "account", resourceId = "{request.fromAccount}")
 * public Receipt transfer(TransferRequest request) { ... }
 *
 * // per request, e.g. in an HTTP filter: the session and the code from an X-OTP header
 * Bulwark.bind(Caller.of(userId).session(sessionId).otp(request.getHeader("X-OTP")))
 * }</pre>
 *
 * <p>A call passes when the caller's session (user and {@link Caller#session(String)}) verified a code within
 * {@code maxAge}. Otherwise the code bound with {@link Caller#otp(String)} is verified: once accepted it cannot be
 * used again, and the session counts as verified from then on. Otherwise the call is refused with
 * {@link TwoFactorRequiredException} before the body runs (HTTP 401 and {@code WWW-Authenticate: Bearer
 * error="insufficient_user_authentication", max_age=N}, RFC 9470). Without a session nothing can be remembered, so
 * each call needs a code of its own. Users enroll with {@link TwoFactor#enroll}.
 *
 * <p>It fails closed: when the store of second factors cannot answer, the call is refused (503). With other guards
 * on the method it is checked first, before any rate limit; an {@code @Audited} method records the refusal as
 * {@code denied}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Requires2FA {

    /**
     * How recent the caller's last verified code must be: {@code "5m"}, {@code "30s"}, {@code "1h"}, up to
     * {@code "24h"}; {@code "0"} asks for a code on every call.
     */
    String maxAge() default "5m";
}
