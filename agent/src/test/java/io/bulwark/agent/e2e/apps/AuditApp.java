package io.bulwark.agent.e2e.apps;

import io.bulwark.Audited;
import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.Redact;

/**
 * Audited calls of every outcome, compiled with the processor. {@code scenario}: one of each, then waits to be
 * stopped; {@code burst N}: N calls, then waits; {@code exit N}: N calls, then returns from {@code main} at once (a
 * normal exit: the JVM's shutdown hooks run); {@code forever}: calls until killed; {@code idle}: only waits, so that
 * what is in the journal ships.
 */
public class AuditApp {

    public static final String PASSWORD = "correct horse battery staple";

    public record Card(String holder, @Redact(mode = Redact.Mode.HASH) String number) {
    }

    public record TransferRequest(String from, String to, long cents, Card card) {
    }

    public static final class BadCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadCredentials(String message) {
            super(message);
        }
    }

    @RateLimited(name = "audit-login", limit = 2, window = "5m", key = "{email}", count = Count.FAILURES,
            lockout = "15m")
    @Audited(action = "user.login", resourceType = "user", resourceId = "{email}")
    public String login(String email, @Redact String password) {
        if (!password.equals(PASSWORD)) {
            throw new BadCredentials("wrong password '" + password + "' for " + email);
        }
        return "session";
    }

    @Audited(action = "transfer.create", resourceType = "account", resourceId = "{request.from}",
            resourceName = "{caller.org}:{request.to}", capture = Capture.ARGS_AND_RESULT)
    public long transfer(TransferRequest request) {
        return request.cents();
    }

    @Audited(action = "api.ping", capture = Capture.NONE)
    static void ping() {
    }

    public static void main(String[] args) throws Exception {
        AuditApp app = new AuditApp();
        switch (args[0]) {
            case "scenario" -> {
                Caller caller = Caller.of("u-42").email("ann@example.com").roles("admin", "ops").org("acme")
                        .ip("203.0.113.9").userAgent("curl/8.4").requestId("req-7");
                try (Bulwark.Scope scope = Bulwark.bind(caller)) {
                    Probe.calls("right", 1, () -> app.login("ann@example.com", PASSWORD));
                    Probe.calls("wrong", 2, () -> app.login("ann@example.com", "hunter2-" + PASSWORD));
                    Probe.calls("locked", 1, () -> app.login("ann@example.com", PASSWORD));
                    Probe.calls("transfer", 1, () -> app.transfer(new TransferRequest("DE01", "FR02", 1234,
                            new Card("Ann", "4111111111111111"))));
                }
                System.out.println("done");
                Thread.sleep(60_000);
            }
            case "burst" -> {
                int n = Integer.parseInt(args[1]);
                for (int i = 0; i < n; i++) {
                    ping();
                }
                System.out.println("called " + n);
                Thread.sleep(60_000);
            }
            case "exit" -> {
                int n = Integer.parseInt(args[1]);
                for (int i = 0; i < n; i++) {
                    ping();
                }
                System.out.println("called " + n);
            }
            case "forever" -> {
                for (long i = 1; ; i++) {
                    ping();
                    if (i % 1_000 == 0) {
                        System.out.println("called " + i);
                    }
                }
            }
            default -> Thread.sleep(60_000);
        }
    }
}
