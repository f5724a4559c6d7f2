package io.bulwark.agent.e2e.apps;

import io.bulwark.Requires2FA;

/** Indexed with a step-up; a test recompiles it without one, leaving the index as it was. */
public class StaleStepUpApp {

    @Requires2FA
    public static String transfer() {
        return "ran";
    }

    public static void main(String[] args) {
        Probe.calls("transfer", 1, StaleStepUpApp::transfer);
    }
}
