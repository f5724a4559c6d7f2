package io.bulwark.web.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.RateLimitedException;
import io.bulwark.web.servlet.CallerCustomizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The auto-configuration in a real Spring Boot application on an embedded Tomcat. */
class BulwarkWebAutoConfigurationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Endpoints.class, CatchAll.class})
    static class App {
        @Bean
        CallerCustomizer email() {
            return (caller, request) -> caller.email(caller.user() == null ? null : caller.user() + "@example.com");
        }
    }

    @RestController
    static class Endpoints {
        @GetMapping("/whoami")
        Map<String, String> whoami() {
            Caller c = Bulwark.caller();
            return Map.of("user", String.valueOf(c.user()), "email", String.valueOf(c.email()), "ip", c.ip());
        }

        @GetMapping("/refuse")
        String refuse() {
            throw new RateLimitedException("api", 100, 0, Duration.ofMinutes(1), Duration.ofSeconds(3),
                    Duration.ofSeconds(60));
        }
    }

    /** What many applications have: everything unexpected is a 500. */
    @RestControllerAdvice
    static class CatchAll {
        @ExceptionHandler(Exception.class)
        ResponseEntity<String> any(Exception e) {
            return ResponseEntity.internalServerError().body("{\"error\":\"internal\"}");
        }
    }

    private static ConfigurableApplicationContext start(String... properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--logging.level.root=warn"));
        for (String property : properties) {
            args.add("--" + property);
        }
        return new SpringApplication(App.class).run(args.toArray(String[]::new));
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext app, String path, String... headers)
            throws Exception {
        int port = ((ServletWebServerApplicationContext) app).getWebServer().getPort();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theFilterBindsTheCallerAsConfiguredAndTheHandlerAnswersRefusalsBeforeTheApplicationsAdvice()
            throws Exception {
        try (ConfigurableApplicationContext app = start("bulwark.web.trusted-proxies=127.0.0.1/32",
                "bulwark.web.user-header=X-User")) {
            HttpResponse<String> who = get(app, "/whoami", "X-User", "u-1", "X-Forwarded-For", "203.0.113.9");
            assertEquals(200, who.statusCode(), who.body());
            assertTrue(who.body().contains("\"ip\":\"203.0.113.9\""), who.body());
            assertTrue(who.body().contains("\"email\":\"u-1@example.com\""), "customizers apply: " + who.body());

            HttpResponse<String> refused = get(app, "/refuse", "X-Request-Id", "req-5");
            assertEquals(429, refused.statusCode(), refused.body());
            assertEquals("3", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals("req-5", refused.headers().firstValue("X-Request-Id").orElseThrow());
            assertEquals("{\"error\":\"rate_limited\",\"message\":\"rate limit 'api' exceeded (100 per 1m); retry "
                    + "after 3s\",\"retryAfterSeconds\":3,\"requestId\":\"req-5\"}\n", refused.body());
        }
    }

    @Test
    void switchedOffNothingIsRegistered() throws Exception {
        try (ConfigurableApplicationContext app = start("bulwark.web.enabled=false")) {
            HttpResponse<String> refused = get(app, "/refuse");
            assertEquals(500, refused.statusCode(), "the application's own advice answers");
            assertFalse(refused.headers().firstValue("X-Request-Id").isPresent());
        }
    }

    @Test
    void aTypoUnderBulwarkWebOrABadBlockStopsStartup() {
        Exception typo = assertThrows(Exception.class, () -> start("bulwark.web.trusted-proxie=10.0.0.0/8"));
        assertTrue(causes(typo).contains("bulwark.web.trusted-proxie"), causes(typo));
        Exception bad = assertThrows(Exception.class, () -> start("bulwark.web.trusted-proxies=10.0.0.0/33"));
        assertTrue(causes(bad).contains("bulwark.web.trusted-proxies (Spring environment) = '10.0.0.0/33': "
                + "'10.0.0.0/33' has prefix length '33': expected 0 to 32 for an IPv4 address"), causes(bad));
    }

    @Test
    void anAgentKeyWhereOnlySpringReadsItStopsStartup() {
        Exception e = assertThrows(IllegalStateException.class, () -> start("bulwark.redis.url=redis://cache:6379"));
        assertTrue(e.getMessage().startsWith("Bulwark's agent reads its keys before Spring starts, so it never sees "
                + "bulwark.redis.url (in commandLineArgs): pass them as system properties"), e.getMessage());
    }

    private static String causes(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append('\n');
        }
        return all.toString();
    }
}
