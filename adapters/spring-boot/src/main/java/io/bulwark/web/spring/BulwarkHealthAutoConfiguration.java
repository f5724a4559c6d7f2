package io.bulwark.web.spring;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Boot Actuator: the {@code bulwark} health contributor ({@link BulwarkHealthIndicator}); off with
 * {@code management.health.bulwark.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnEnabledHealthIndicator("bulwark")
public class BulwarkHealthAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "bulwarkHealthIndicator")
    public BulwarkHealthIndicator bulwarkHealthIndicator() {
        return new BulwarkHealthIndicator();
    }
}
