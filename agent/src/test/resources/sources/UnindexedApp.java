package unindexed;

import io.bulwark.RateLimited;
import io.bulwark.agent.e2e.apps.Probe;

/** Guarded, but compiled without Bulwark's processor: no index entry. */
public class UnindexedApp {

    @RateLimited(name = "unindexed", limit = 1, window = "1m")
    static String call() {
        return "ran";
    }

    public static void main(String[] args) {
        Probe.calls("call", 2, UnindexedApp::call);
    }
}
