package io.bulwark;

import java.util.Map;
import java.util.Objects;

/**
 * A call refused because its guard could not be applied: the guard's declaration is invalid (reported at
 * startup, when the class was woven), or its store cannot answer and the guard fails closed. HTTP 503.
 *
 * <p>This is Bulwark refusing to run a guarded method unguarded; the log says why.
 */
public class GuardUnavailableException extends BulwarkException {

    private static final long serialVersionUID = 1L;

    private final String guard;

    public GuardUnavailableException(String guard, String reason) {
        super("guard '" + guard + "' refused the call: " + reason, true);
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    /** The policy or method whose guard refused. */
    public String guard() {
        return guard;
    }

    /** 503 Service Unavailable. */
    @Override
    public int httpStatus() {
        return 503;
    }

    @Override
    public Map<String, String> httpHeaders() {
        return Map.of();
    }
}
