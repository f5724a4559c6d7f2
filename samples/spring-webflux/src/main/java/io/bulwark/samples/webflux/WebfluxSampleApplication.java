package io.bulwark.samples.webflux;

import io.bulwark.Bulwark;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * A reactive (WebFlux) service guarded by Bulwark: {@code POST /login} under a lockout, {@code GET /api/items} under a
 * quota per caller, both audited. Bulwark's auto-configuration puts the caller of each request in Reactor's context,
 * where the guards of {@code Mono} methods read it at subscription, on whatever thread that happens.
 *
 * <pre>
 * java -javaagent:agent/target/bulwark-agent.jar -jar samples/spring-webflux/target/bulwark-sample-webflux.jar
 * </pre>
 *
 * <p>The same sources run as Spring MVC too ({@code --spring.main.web-application-type=servlet} where both stacks are
 * on the class path, as in {@code samples/spring-boot-4}): the controllers are written for both.
 */
@SpringBootApplication
public class WebfluxSampleApplication {

    public static void main(String[] args) {
        if (!Bulwark.agentActive()) {
            System.err.println("WARNING: the Bulwark agent is not running: nothing is guarded. Start with "
                    + "-javaagent:agent/target/bulwark-agent.jar");
        }
        SpringApplication.run(WebfluxSampleApplication.class, args);
    }

    /** The port read from the environment: Boot 4 moved the web server's events to another package than Boot 3's. */
    @EventListener
    void listening(ApplicationReadyEvent event) {
        System.out.println("Bulwark WebFlux sample listening on http://127.0.0.1:"
                + event.getApplicationContext().getEnvironment().getProperty("local.server.port"));
    }
}
