package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;

/** Indexed with a guard; a test recompiles it without one, leaving the index as it was. */
public class StaleApp {

    @RateLimited(name = "stale", limit = 1, window = "1m")
    public static String call() {
        return "ran";
    }

    public static void main(String[] args) {
        Probe.calls("call", 2, StaleApp::call);
    }
}
