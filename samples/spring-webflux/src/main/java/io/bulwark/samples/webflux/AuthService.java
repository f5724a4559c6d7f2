package io.bulwark.samples.webflux;

import io.bulwark.Audited;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A login whose outcome is a {@code Mono}: 5 failures in 5 minutes lock the email for 15 minutes (a success clears
 * earlier failures). The failure is the {@code Mono}'s error, and Bulwark counts it when the {@code Mono} fails, at
 * each subscription. Audited, the password redacted.
 */
@Service
public class AuthService {

    /** A wrong email or password; only this counts as a failed login. */
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
    @Audited(action = "user.login", resourceType = "user", resourceId = "{email}")
    public Mono<String> login(String email, @Redact String password) {
        return Mono.fromCallable(() -> {
            String expected = passwords.get(email);
            if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8))) {
                throw new InvalidCredentials();
            }
            return UUID.randomUUID().toString();
        });
    }
}
