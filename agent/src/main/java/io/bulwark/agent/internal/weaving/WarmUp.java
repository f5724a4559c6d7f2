package io.bulwark.agent.internal.weaving;

import io.bulwark.Redact;

/** Woven once, and thrown away, at set-up: see {@link WeaverSetup}. Never loaded as a guard. */
final class WarmUp {

    /** The method woven: name and descriptor. */
    static final String METHOD = "run(Ljava/lang/String;)Ljava/lang/String;";

    /** Read, never written: its annotation makes the set-up read annotations (and their defaults) too. */
    @Redact
    static String unused;

    private WarmUp() {
    }

    static String run(String value) {
        return value;
    }
}
