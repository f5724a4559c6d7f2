package io.bulwark;

import io.bulwark.internal.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A call refused by {@link Requires2FA}, or a code refused by {@link TwoFactor#confirm}. {@link #reason()} says why
 * and decides the HTTP answer:
 *
 * <ul>
 *   <li>{@link Reason#MISSING}, {@link Reason#EXPIRED}, {@link Reason#INVALID}: 401 with {@code WWW-Authenticate:
 *       Bearer error="insufficient_user_authentication", error_description="...", max_age=N} (RFC 9470), so that a
 *       client asks its user for a code and repeats the request with it;</li>
 *   <li>{@link Reason#THROTTLED}: 429 with {@code Retry-After}: too many wrong codes lately, the next one is not even
 *       checked before then;</li>
 *   <li>{@link Reason#LOCKED} and {@link Reason#NOT_ENROLLED}: 403: no code can help (an operator unlocks a factor,
 *       the user enrolls one).</li>
 * </ul>
 *
 * <p>The message never contains the code that was presented.
 */
public class TwoFactorRequiredException extends BulwarkException {

    private static final long serialVersionUID = 1L;

    /** Why a second factor was asked for or refused. */
    public enum Reason {
        /** No code was presented, and the session has not verified one. */
        MISSING("a second factor is required"),
        /** No code was presented, and the session's last verified one is older than the method's max age. */
        EXPIRED("a more recent second factor is required"),
        /** The code presented is wrong, malformed or already used. */
        INVALID("the second factor code is invalid or was already used"),
        /** Too many wrong codes lately: the next one is only checked after {@link #retryAfter()}. */
        THROTTLED("too many wrong second factor codes; try again later"),
        /** Too many wrong codes: the factor is locked until an operator unlocks it. */
        LOCKED("the second factor is locked after too many wrong codes"),
        /** The caller has no second factor (or no user is bound), so none can be verified. */
        NOT_ENROLLED("no second factor is enrolled for this user");

        private final String message;

        Reason(String message) {
            this.message = message;
        }
    }

    private final Reason reason;
    private final Duration maxAge;
    private final Duration retryAfter;

    /**
     * @param maxAge     the max age the refusing method asks for ({@link Duration#ZERO} for "every call")
     * @param retryAfter with {@link Reason#THROTTLED}, how long until a code is checked again; else zero
     */
    public TwoFactorRequiredException(Reason reason, Duration maxAge, Duration retryAfter) {
        super(Objects.requireNonNull(reason, "reason").message
                + (reason == Reason.THROTTLED ? " (retry after " + Durations.format(retryAfter) + ")" : ""), false);
        this.reason = reason;
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public TwoFactorRequiredException(Reason reason, Duration maxAge) {
        this(reason, maxAge, Duration.ZERO);
    }

    public Reason reason() {
        return reason;
    }

    /** How recent a verification the method asks for. */
    public Duration maxAge() {
        return maxAge;
    }

    /** With {@link Reason#THROTTLED}: how long until a code is checked again. Else zero. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** 401 (ask for a code), 429 (throttled) or 403 (locked, not enrolled). */
    @Override
    public int httpStatus() {
        return switch (reason) {
            case MISSING, EXPIRED, INVALID -> 401;
            case THROTTLED -> 429;
            case LOCKED, NOT_ENROLLED -> 403;
        };
    }

    /** {@code WWW-Authenticate} (RFC 9470) for 401, {@code Retry-After} for 429, none for 403. */
    @Override
    public Map<String, String> httpHeaders() {
        return switch (reason) {
            case MISSING, EXPIRED, INVALID -> Map.of("WWW-Authenticate",
                    "Bearer error=\"insufficient_user_authentication\", error_description=\"" + reason.message
                            + "\", max_age=" + maxAge.getSeconds());
            case THROTTLED -> Map.of("Retry-After", Long.toString(Math.max(1, Durations.ceilSeconds(retryAfter))));
            case LOCKED, NOT_ENROLLED -> Map.of();
        };
    }
}
