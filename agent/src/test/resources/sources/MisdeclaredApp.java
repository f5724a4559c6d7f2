package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;

/** Declarations the agent cannot enforce as written: each method must refuse, never run unguarded. */
public class MisdeclaredApp {

    public interface Api {
        @RateLimited(name = "abstract", limit = 1, window = "1m")
        String call();
    }

    @RateLimited(name = "typo", limit = 5, window = "1m", key = "{emial}")
    public String typo(String email) {
        return "ran";
    }

    @RateLimited(name = "bad-window", limit = 5, window = "5 minutes")
    public String badWindow() {
        return "ran";
    }

    public static void main(String[] args) {
        MisdeclaredApp app = new MisdeclaredApp();
        Probe.calls("typo", 1, () -> app.typo("alice@example.com"));
        Probe.calls("bad-window", 1, app::badWindow);
        Api api = () -> "ran";
        Probe.calls("abstract", 2, api::call);
    }
}
