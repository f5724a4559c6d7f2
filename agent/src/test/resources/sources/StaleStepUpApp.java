package io.bulwark.agent.e2e.apps;

/** StaleStepUpApp after its step-up was removed, compiled over the index that still lists it. */
public class StaleStepUpApp {

    public static String transfer() {
        return "ran";
    }

    public static void main(String[] args) {
        Probe.calls("transfer", 1, StaleStepUpApp::transfer);
    }
}
