package io.bulwark.web.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.RateLimitedException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The reactive auto-configuration in a real Spring Boot WebFlux application on Netty (no agent here). */
class ReactiveWebAutoConfigurationTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final RateLimitedException REFUSAL = new RateLimitedException("api", 100, 0, Duration.ofMinutes(1),
            Duration.ofSeconds(3), Duration.ofSeconds(60));

    private static ConfigurableApplicationContext app;

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({Endpoints.class, CatchAll.class})
    static class App {
        @Bean
        ReactiveCallerCustomizer email() {
            return (caller, exchange) -> caller.email(caller.user() == null ? null : caller.user() + "@example.com");
        }

        /** A functional endpoint: its refusal is answered by the filter, not by controller advice. */
        @Bean
        RouterFunction<ServerResponse> functional() {
            return RouterFunctions.route().GET("/functional", request -> Mono.error(REFUSAL)).build();
        }
    }

    @RestController
    static class Endpoints {
        /** Read from the subscriber's context, on another scheduler: where guarded Mono methods read it. */
        @GetMapping("/whoami")
        Mono<Map<String, String>> whoami() {
            return Mono.deferContextual(context -> {
                Caller c = context.get(Caller.class);
                return Mono.just(Map.of("user", String.valueOf(c.user()), "email", String.valueOf(c.email()),
                        "ip", c.ip()));
            }).subscribeOn(Schedulers.parallel());
        }

        /** Plain code, as a guarded method that returns its value would read the caller, on another thread. */
        @GetMapping("/thread")
        Mono<String> thread() {
            return Mono.fromCallable(() -> String.valueOf(Bulwark.caller().user()))
                    .subscribeOn(Schedulers.boundedElastic());
        }

        @GetMapping("/refuse")
        Mono<String> refuse() {
            return Mono.error(REFUSAL);
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

    @BeforeAll
    static void start() {
        SpringApplication spring = new SpringApplication(App.class);
        spring.setWebApplicationType(WebApplicationType.REACTIVE);
        // What spring.reactor.context-propagation=auto does; context-propagation is on this test's class path.
        app = spring.run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off",
                "--spring.reactor.context-propagation=auto",
                "--logging.level.root=warn", "--bulwark.web.trusted-proxies=127.0.0.1/32",
                "--bulwark.web.user-header=X-User");
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        String port = app.getEnvironment().getProperty("local.server.port");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theCallerIsInReactorsContextAsConfiguredWhateverTheScheduler() throws Exception {
        HttpResponse<String> who = get("/whoami", "X-User", "u-1", "X-Forwarded-For", "203.0.113.9");
        assertEquals(200, who.statusCode(), who.body());
        assertTrue(who.body().contains("\"ip\":\"203.0.113.9\""), who.body());
        assertTrue(who.body().contains("\"user\":\"u-1\""), who.body());
        assertTrue(who.body().contains("\"email\":\"u-1@example.com\""), "customizers apply: " + who.body());
        assertTrue(who.headers().firstValue("X-Request-Id").isPresent());
    }

    @Test
    void withAutomaticContextPropagationTheCallerIsBoundToTheThreadOfPlainCode() throws Exception {
        HttpResponse<String> user = get("/thread", "X-User", "u-7");
        assertEquals(200, user.statusCode(), user.body());
        assertEquals("u-7", user.body());
        assertEquals("null", get("/thread").body(), "nothing leaks from one request to the next");
    }

    @Test
    void refusalsAreAnsweredAsTheServletAdapterAnswersThemAheadOfTheApplicationsAdvice() throws Exception {
        String expected = "{\"error\":\"rate_limited\",\"message\":\"rate limit 'api' exceeded (100 per 1m); retry "
                + "after 3s\",\"retryAfterSeconds\":3,\"requestId\":\"req-5\"}\n";
        for (String path : new String[] {"/refuse", "/functional"}) {
            HttpResponse<String> refused = get(path, "X-Request-Id", "req-5");
            assertEquals(429, refused.statusCode(), path + ": " + refused.body());
            assertEquals("3", refused.headers().firstValue("Retry-After").orElseThrow(), path);
            assertEquals("req-5", refused.headers().firstValue("X-Request-Id").orElseThrow(), path);
            assertEquals("100", refused.headers().firstValue("RateLimit-Limit").orElseThrow(), path);
            assertEquals(expected, refused.body(), path);
        }
    }
}
