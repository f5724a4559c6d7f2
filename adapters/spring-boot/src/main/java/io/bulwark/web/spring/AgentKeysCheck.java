package io.bulwark.web.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * Stops startup when the agent's keys ({@code bulwark.redis.url}, {@code bulwark.ratelimit.login.limit}, ...) are
 * set where only Spring reads them: {@code application.properties}, profiles, {@code --bulwark...} arguments. The
 * agent configures itself before Spring starts, from system properties, {@code BULWARK_*} variables and its own
 * file; a Redis URL in {@code application.properties} would leave limits silently per instance.
 */
public class AgentKeysCheck implements EnvironmentPostProcessor, Ordered {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        List<String> misplaced = new ArrayList<>();
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable) || agentReads(source.getName())) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                if (name.startsWith("bulwark.") && !name.startsWith("bulwark.web.")) {
                    misplaced.add(name + " (in " + source.getName() + ")");
                }
            }
        }
        if (!misplaced.isEmpty()) {
            throw new IllegalStateException("Bulwark's agent reads its keys before Spring starts, so it never sees "
                    + String.join(", ", misplaced) + ": pass them as system properties (-Dbulwark.redis.url=...), "
                    + "environment variables (BULWARK_REDIS_URL) or in the agent's file "
                    + "(-javaagent:bulwark-agent.jar=config=bulwark.properties). Only bulwark.web.* belongs in the "
                    + "application's configuration.");
        }
    }

    private static boolean agentReads(String sourceName) {
        return sourceName.equals(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME)
                || sourceName.equals(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    }

    /** After Boot has loaded {@code application.properties} and profiles. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
