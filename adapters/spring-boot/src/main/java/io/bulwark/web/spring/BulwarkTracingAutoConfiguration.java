package io.bulwark.web.spring;

import io.bulwark.monitoring.Subscription;
import io.bulwark.opentelemetry.BulwarkTracing;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With the OpenTelemetry API on the class path (Spring Boot's OpenTelemetry support, or the OpenTelemetry Java agent's
 * bridge): Bulwark's refusals on the current span ({@link BulwarkTracing}).
 */
@AutoConfiguration
@ConditionalOnClass(name = {"io.opentelemetry.api.trace.Span", "io.bulwark.opentelemetry.BulwarkTracing"})
public class BulwarkTracingAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(name = "bulwarkTracing")
    public Subscription bulwarkTracing() {
        return BulwarkTracing.install();
    }
}
