package io.bulwark.samples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.testing.RedisServer;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Spring Boot sample with Actuator, the agent and a Redis of the test's own: Bulwark's meters move as calls are
 * decided, and its health contributor turns DOWN when Redis stops and UP when it is back, without a call being made.
 */
class ObservabilityIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern COUNT = Pattern.compile("\"statistic\":\"(?:COUNT|VALUE)\",\"value\":([0-9.E-]+)");

    @Test
    void metersMoveAndTheHealthFollowsRedisDownAndUp() throws Exception {
        Path data = Files.createTempDirectory("bulwark-boot-observability");
        try (RedisServer redis = RedisServer.startPrivate()) {
            String command = "java -Dbulwark.redis.url=" + redis.url() + " -Dbulwark.redis.timeout=200ms "
                    + "-javaagent:agent/target/bulwark-agent.jar "
                    + "-jar samples/spring-boot/target/bulwark-sample-spring-boot.jar";
            Map<String, String> env = Map.of("PORT", "0", "BULWARK_DATA_DIR", data.toString(), "PATH",
                    Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator + System.getenv("PATH"));
            try (BootSample sample = BootSample.start(command, env)) {
                URI base = sample.base;
                HttpResponse<String> health = get(base, "/actuator/health/bulwark");
                assertEquals(200, health.statusCode(), health.body());
                assertTrue(health.body().startsWith("{\"status\":\"UP\"") && health.body().contains(
                        "\"redis\":{\"available\":true,\"state\":\"up\"}"), health.body());
                assertEquals(1.0, value(base, "bulwark.store.available?tag=store:redis"));

                for (int i = 1; i <= 5; i++) {
                    assertEquals(401, login(base, "dave@example.com").statusCode(), "attempt " + i);
                }
                assertEquals(429, login(base, "dave@example.com").statusCode());
                assertEquals(5.0, value(base, "bulwark.ratelimit.decisions?tag=policy:login&tag=outcome:allowed"));
                assertEquals(1.0, value(base,
                        "bulwark.ratelimit.decisions?tag=policy:login&tag=outcome:denied&tag=reason:locked_out"));
                assertTrue(value(base, "bulwark.ratelimit.check?tag=policy:login&tag=store:redis") >= 5,
                        "checks on Redis are timed");
                assertEquals(5.0, value(base, "bulwark.audit.events?tag=status:failure"));
                assertEquals(1.0, value(base, "bulwark.audit.events?tag=status:denied"));

                redis.stop();
                // Lockouts fail closed while Redis is away; two failed checks open the breaker.
                assertEquals(503, login(base, "erin@example.com").statusCode());
                assertEquals(503, login(base, "erin@example.com").statusCode());
                HttpResponse<String> down = await(base, "/actuator/health/bulwark", r -> r.statusCode() == 503);
                assertTrue(down.body().startsWith("{\"status\":\"DOWN\"") && down.body().contains(
                        "\"redis\":{\"available\":false,\"state\":\"down: "), down.body());
                assertTrue(value(base, "bulwark.ratelimit.decisions?tag=policy:login&tag=outcome:error") >= 1);
                Thread.sleep(1_100); // the gauges read the status at most once a second
                assertEquals(0.0, value(base, "bulwark.store.available?tag=store:redis"));

                redis.start();
                // No login is made: the health check asks Redis again by itself.
                HttpResponse<String> up = await(base, "/actuator/health/bulwark", r -> r.statusCode() == 200);
                assertTrue(up.body().startsWith("{\"status\":\"UP\""), up.body());
                Thread.sleep(1_100);
                assertEquals(1.0, value(base, "bulwark.store.available?tag=store:redis"));
                assertEquals(401, login(base, "erin@example.com").statusCode(), "limits are shared again");
            }
        }
    }

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> await(URI base, String path, Predicate<HttpResponse<String>> until)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = get(base, path);
        while (!until.test(response) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = get(base, path);
        }
        assertTrue(until.test(response), response.statusCode() + " " + response.body());
        return response;
    }

    /** The first measurement of an Actuator metric: a counter's or timer's count, a gauge's value. */
    private static double value(URI base, String metric) throws Exception {
        HttpResponse<String> response = get(base, "/actuator/metrics/" + metric);
        assertEquals(200, response.statusCode(), metric + ": " + response.body());
        Matcher m = COUNT.matcher(response.body());
        assertTrue(m.find(), response.body());
        return Double.parseDouble(m.group(1));
    }

    private static HttpResponse<String> login(URI base, String email) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/login")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("email=" + email + "&password=wrong")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
