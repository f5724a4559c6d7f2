package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.RateLimits;

/** Locks itself out, then clears the lockout through the public API. */
public class ResetApp {

    @RateLimited(name = "reset-login", limit = 2, window = "5m", key = "{caller.org}:{email}", count = Count.FAILURES,
            lockout = "15m")
    static void login(String email, boolean right) {
        if (!right) {
            throw new SecurityException("wrong password");
        }
    }

    public static void main(String[] args) {
        try (Bulwark.Scope scope = Bulwark.bind(Caller.anonymous().org("acme"))) {
            Probe.calls("before", 3, () -> {
                login("alice@example.com", false);
                return null;
            });
            System.out.println("resetOther=" + RateLimits.reset("reset-login", "acme", "bob@example.com"));
            System.out.println("reset=" + RateLimits.reset("reset-login", "acme", "alice@example.com"));
            Probe.calls("after", 1, () -> {
                login("alice@example.com", true);
                return null;
            });
        }
    }
}
