package io.bulwark.samples.webflux;

import io.bulwark.Redact;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /login} with a JSON body; a refusal (429) is answered by Bulwark's advice, a wrong password here. */
@RestController
public class AuthController {

    /** The JSON body of {@code POST /login}. */
    public record Credentials(String email, @Redact String password) {
    }

    private final AuthService auth;

    public AuthController(AuthService auth) {
        this.auth = auth;
    }

    @PostMapping("/login")
    public Mono<Map<String, String>> login(@RequestBody Credentials credentials) {
        return auth.login(String.valueOf(credentials.email()), String.valueOf(credentials.password()))
                .map(session -> Map.of("session", session));
    }

    @ExceptionHandler(AuthService.InvalidCredentials.class)
    @ResponseStatus(HttpStatus.UNAUTHORIZED)
    public Map<String, String> invalid(AuthService.InvalidCredentials e) {
        return Map.of("error", "invalid_credentials", "message", e.getMessage());
    }
}
