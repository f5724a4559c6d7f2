package io.bulwark.agent.e2e.apps;

/** StaleApp after its guard was removed, compiled over the index that still lists it. */
public class StaleApp {

    public static String call() {
        return "ran";
    }

    public static void main(String[] args) {
        Probe.calls("call", 2, StaleApp::call);
    }
}
