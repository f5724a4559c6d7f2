package io.bulwark.web.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * For reactive (WebFlux) applications: registers {@link BulwarkWebFilter} (the caller of each request in Reactor's
 * context; refusals answered) and {@link ReactiveBulwarkExceptionHandler}. The same {@code bulwark.web.*} keys as the
 * servlet side; {@code bulwark.web.filter-order} places the filter among the application's {@code WebFilter}s
 * (default just after Spring Security's, -100). Beans of type {@link ReactiveCallerCustomizer} are applied in order.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
@ConditionalOnProperty(prefix = "bulwark.web", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BulwarkWebProperties.class)
public class BulwarkReactiveWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public BulwarkWebFilter bulwarkWebFilter(BulwarkWebProperties properties,
            ObjectProvider<ReactiveCallerCustomizer> customizers) {
        return new BulwarkWebFilter(properties.toSettings(), customizers.orderedStream().toList(),
                properties.filterOrder() == null
                        ? BulwarkWebAutoConfiguration.DEFAULT_ORDER
                        : properties.filterOrder());
    }

    @Bean
    @ConditionalOnMissingBean
    ReactiveBulwarkExceptionHandler reactiveBulwarkExceptionHandler() {
        return new ReactiveBulwarkExceptionHandler();
    }
}
