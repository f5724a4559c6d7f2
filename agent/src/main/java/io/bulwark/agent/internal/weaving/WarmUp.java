package io.bulwark.agent.internal.weaving;

/** Woven once, and thrown away, at set-up: see {@link WeaverSetup}. Never loaded as a guard. */
final class WarmUp {

    /** The method woven: name and descriptor. */
    static final String METHOD = "run(Ljava/lang/String;)Ljava/lang/String;";

    private WarmUp() {
    }

    static String run(String value) {
        return value;
    }
}
