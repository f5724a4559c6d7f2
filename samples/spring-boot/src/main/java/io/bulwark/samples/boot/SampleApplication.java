package io.bulwark.samples.boot;

import io.bulwark.Bulwark;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;

/**
 * A Spring Boot service guarded by Bulwark: {@code POST /login} (form) and {@code POST /session} (JSON) share one
 * lockout; {@code GET /api/items} has a quota per caller. Bulwark's auto-configuration binds the caller of each
 * request and answers refusals ({@code application.properties} configures it).
 *
 * <pre>
 * java -javaagent:agent/target/bulwark-agent.jar -jar samples/spring-boot/target/bulwark-sample-spring-boot.jar
 * </pre>
 */
@SpringBootApplication
public class SampleApplication {

    public static void main(String[] args) {
        if (!Bulwark.agentActive()) {
            System.err.println("WARNING: the Bulwark agent is not running: nothing is guarded. Start with "
                    + "-javaagent:agent/target/bulwark-agent.jar");
        }
        SpringApplication.run(SampleApplication.class, args);
    }

    @EventListener
    void listening(WebServerInitializedEvent event) {
        int port = event.getWebServer().getPort();
        System.out.println("Bulwark Spring Boot sample listening on http://127.0.0.1:" + port);
        System.out.println("  try: curl -i -d 'email=alice@example.com&password=wrong' http://127.0.0.1:" + port
                + "/login   (the 6th try is refused: 429, Retry-After)");
    }
}
