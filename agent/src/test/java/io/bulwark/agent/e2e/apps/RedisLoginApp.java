package io.bulwark.agent.e2e.apps;

import io.bulwark.Count;
import io.bulwark.RateLimited;

/** {@code RedisLoginApp <email> <password> <attempts>}: logs in, printing each outcome. */
public class RedisLoginApp {

    public static final class BadCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @RateLimited(name = "redis-login", limit = 3, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m", failureOn = BadCredentials.class)
    static String login(String email, String password) {
        if (!password.equals("right")) {
            throw new BadCredentials();
        }
        return "session";
    }

    public static void main(String[] args) {
        Probe.calls("login", Integer.parseInt(args[2]), () -> login(args[0], args[1]));
    }
}
