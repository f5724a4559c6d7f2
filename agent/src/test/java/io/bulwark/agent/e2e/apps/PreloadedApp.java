package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;

/** Checks that a class loaded before Bulwark's premain is guarded all the same. */
public class PreloadedApp {

    public static final class Target {
        static {
            System.out.println("initializedInPremain=" + StackWalker.getInstance()
                    .walk(frames -> frames.anyMatch(f -> f.getMethodName().equals("premain"))));
        }

        @RateLimited(name = "preloaded", limit = 1, window = "1m")
        public static String call() {
            return "ran";
        }
    }

    public static void main(String[] args) {
        Probe.calls("preloaded", 2, Target::call);
    }
}
