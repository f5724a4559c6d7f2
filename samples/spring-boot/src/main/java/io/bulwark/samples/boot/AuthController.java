package io.bulwark.samples.boot;

import io.bulwark.Audited;
import io.bulwark.Count;
import io.bulwark.RateLimited;
import io.bulwark.Redact;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * Login under the limits users of the field expect: 5 failures in 5 minutes lock the email for 15 minutes (a success
 * clears earlier failures), and one IP address gets 20 failures in 5 minutes whatever emails it tries. Audited, the
 * password redacted.
 *
 * <p>Two endpoints, one guarded method: {@code POST /session} (JSON) calls {@link #login} on {@code this}, where
 * Spring's proxy is not involved and proxy-based limiters do nothing; Bulwark's check is inside {@code login} itself.
 * The class is {@link ServerTimed}, so Spring serves it through a proxy, as it would for {@code @Transactional}.
 */
@RestController
@ServerTimed
public class AuthController {

    /** A wrong email or password; only this counts as a failed login. */
    public static final class InvalidCredentials extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidCredentials() {
            super("invalid email or password", null, false, false);
        }
    }

    /** The JSON body of {@code POST /session}. */
    public record Credentials(String email, @Redact String password) {
    }

    private final Map<String, String> passwords = Map.of(
            "alice@example.com", "correct horse battery staple",
            "bob@example.com", "hunter2hunter2");

    @PostMapping("/login")
    @RateLimited(name = "login", limit = 5, window = "5m", key = "{email}", count = Count.FAILURES, lockout = "15m",
            resetOnSuccess = true, failureOn = InvalidCredentials.class)
    @RateLimited(name = "login-ip", limit = 20, window = "5m", key = "{caller.ip}", count = Count.FAILURES,
            failureOn = InvalidCredentials.class)
    @Audited(action = "user.login", resourceType = "user", resourceId = "{email}")
    public Map<String, String> login(@RequestParam(defaultValue = "") String email,
            @RequestParam(defaultValue = "") @Redact String password) {
        String expected = passwords.get(email);
        if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidCredentials();
        }
        return Map.of("session", UUID.randomUUID().toString());
    }

    @PostMapping("/session")
    public Map<String, String> session(@RequestBody Credentials credentials) {
        return login(credentials.email() == null ? "" : credentials.email(),
                credentials.password() == null ? "" : credentials.password());
    }

    @ExceptionHandler(InvalidCredentials.class)
    @ResponseStatus(HttpStatus.UNAUTHORIZED)
    Map<String, String> invalidCredentials() {
        return Map.of("error", "invalid_credentials");
    }
}
