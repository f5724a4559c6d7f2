package io.bulwark.agent.internal.weaving;

/** Woven once, and thrown away, at set-up: see {@link WeaverSetup}. Never loaded as a guard. */
final class WarmUp {

    private WarmUp() {
    }

    static String run(String value) {
        return value;
    }
}
