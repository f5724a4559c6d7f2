package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.TwoFactorRequiredException.Reason;
import java.time.Duration;

/**
 * What a presented code came to.
 *
 * @param refusal    null when the code was accepted, else why not
 * @param retryAfter with {@link Reason#THROTTLED}, how long until the next code is checked
 */
record Verdict(Reason refusal, Duration retryAfter) {

    static final Verdict ACCEPTED = new Verdict(null, Duration.ZERO);
    static final Verdict INVALID = new Verdict(Reason.INVALID, Duration.ZERO);
    static final Verdict LOCKED = new Verdict(Reason.LOCKED, Duration.ZERO);
    static final Verdict NOT_ENROLLED = new Verdict(Reason.NOT_ENROLLED, Duration.ZERO);

    static Verdict throttled(Duration retryAfter) {
        return new Verdict(Reason.THROTTLED, retryAfter);
    }

    boolean accepted() {
        return refusal == null;
    }
}
