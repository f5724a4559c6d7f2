package io.bulwark.samples;

import io.bulwark.Audited;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;

/**
 * Login under the limits users of the field expect: 5 failures in 5 minutes lock the account's email for 15
 * minutes (a success clears earlier failures), and one IP address gets 20 failures in 5 minutes whatever
 * emails it tries. Every attempt is audited, the password redacted; a refused one as {@code denied}.
 */
public class AuthService {

    /** Thrown for a wrong email or password; only this counts as a failed login. */
    public static final class InvalidCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidCredentials() {
            super("invalid email or password", null, false, false);
        }
    }

    private final Map<String, String> passwords = Map.of(
            "alice@example.com", "correct horse battery staple",
            "bob@example.com", "hunter2hunter2");

    @RateLimited(name = "login", limit = 5, window = "5m", key = "{email}", count = Count.FAILURES, lockout = "15m",
            resetOnSuccess = true, failureOn = InvalidCredentials.class)
    @RateLimited(name = "login-ip", limit = 20, window = "5m", key = "{caller.ip}", count = Count.FAILURES,
            failureOn = InvalidCredentials.class)
    @Audited(action = "user.login", resourceType = "user", resourceId = "{email}")
    public String login(String email, @Redact String password) {
        String expected = passwords.get(email);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidCredentials();
        }
        return UUID.randomUUID().toString();
    }
}
