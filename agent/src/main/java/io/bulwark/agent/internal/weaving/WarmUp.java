package io.bulwark.agent.internal.weaving;

import io.bulwark.RateLimited;
import io.bulwark.Redact;

/**
 * Woven once, and thrown away, at set-up: see {@link WeaverSetup}. Never loaded as a guard: the gate ignores the
 * agent's own classes, and the set-up registers it with a scratch registry, not the runtime's.
 */
final class WarmUp {

    /** The method woven: name and descriptor. */
    static final String METHOD = "run(Ljava/lang/String;)Ljava/lang/String;";

    /** Read, never written: its annotation makes the set-up read field annotations (and their defaults) too. */
    @Redact
    static String unused;

    private WarmUp() {
    }

    @RateLimited(name = "bulwark-warm-up", limit = 1, window = "1m", key = "{value}")
    static String run(String value) {
        return value;
    }
}
