package io.bulwark.agent.e2e.apps;

import io.bulwark.RateLimited;

/**
 * javac copies annotations onto the bridge method {@code handle(Object)} of a generic implementation; a call
 * through the interface goes bridge then real method and must count once.
 */
public class BridgeApp {

    public interface Handler<T> {
        String handle(T input);
    }

    public static final class Upper implements Handler<String> {
        @Override
        @RateLimited(name = "handle", limit = 2, window = "1m")
        public String handle(String input) {
            return input.toUpperCase(java.util.Locale.ROOT);
        }
    }

    public static void main(String[] args) {
        Handler<String> handler = new Upper();
        Probe.calls("handle", 3, () -> handler.handle("x"));
    }
}
