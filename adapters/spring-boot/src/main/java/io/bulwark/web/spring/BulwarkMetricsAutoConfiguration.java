package io.bulwark.web.spring;

import io.bulwark.micrometer.BulwarkMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer: Bulwark's meters ({@link BulwarkMetrics}: {@code bulwark.ratelimit.decisions}, ...), bound by Spring
 * Boot to the application's registries like every {@code MeterBinder} bean. Filter them as any meter
 * ({@code management.metrics.enable.bulwark=false}).
 */
@AutoConfiguration
@ConditionalOnClass({MeterRegistry.class, BulwarkMetrics.class})
public class BulwarkMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BulwarkMetrics bulwarkMetrics() {
        return new BulwarkMetrics();
    }
}
