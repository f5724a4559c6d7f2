package io.bulwark.agent.e2e.apps;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Count;
import io.bulwark.RateLimited;

/** A login under a lockout, a per-IP limit and a quota keyed by a property of a record argument. */
public class LoginApp {

    public record User(String id, String plan) {
    }

    public record TransferRequest(User user, long amount) {
    }

    public static final class BadCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @RateLimited(name = "login", limit = 3, window = "5m", key = "{email}", count = Count.FAILURES, lockout = "15m",
            resetOnSuccess = true, failureOn = BadCredentials.class)
    @RateLimited(name = "login-ip", limit = 10, window = "5m", key = "{caller.ip}", count = Count.FAILURES)
    public String login(String email, String password) {
        if (!password.equals("correct horse")) {
            throw new BadCredentials();
        }
        return "session for " + email;
    }

    @RateLimited(name = "transfers", limit = 2, window = "1h", key = "{request.user.id}")
    public String transfer(TransferRequest request) {
        return "moved " + request.amount();
    }

    public static void main(String[] args) {
        LoginApp app = new LoginApp();
        try (Bulwark.Scope scope = Bulwark.bind(Caller.anonymous().ip("198.51.100.7"))) {
            Probe.calls("alice-wrong", 4, () -> app.login("alice@example.com", "guess"));
            Probe.calls("alice-right", 1, () -> app.login("alice@example.com", "correct horse"));
            Probe.calls("bob-reset", 1, () -> app.login("bob@example.com", "guess"));
            Probe.calls("bob-reset", 1, () -> app.login("bob@example.com", "guess"));
            Probe.calls("bob-ok", 1, () -> app.login("bob@example.com", "correct horse"));
            Probe.calls("bob-after-reset", 2, () -> app.login("bob@example.com", "guess"));
        }
        TransferRequest fromU1 = new TransferRequest(new User("u1", "pro"), 10);
        TransferRequest fromU2 = new TransferRequest(new User("u2", "pro"), 10);
        Probe.calls("transfer-u1", 3, () -> app.transfer(fromU1));
        Probe.calls("transfer-u2", 1, () -> app.transfer(fromU2));
    }
}
