package io.bulwark.web.spring;

import io.bulwark.web.servlet.BulwarkFilter;
import io.bulwark.web.servlet.CallerCustomizer;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers Bulwark's servlet filter (binds the caller of each request, answers refusals) and, with Spring MVC, an
 * exception handler for refusals that a controller raises. Configured by {@code bulwark.web.*}; switched off by
 * {@code bulwark.web.enabled=false}. Beans of type {@link CallerCustomizer} are applied to every caller, in order.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(FilterRegistrationBean.class)
@ConditionalOnProperty(prefix = "bulwark.web", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(BulwarkWebProperties.class)
public class BulwarkWebAutoConfiguration {

    /**
     * Just after Spring Security's filter chain ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, -100), so that
     * {@code getUserPrincipal()} names the authenticated user. Guards on code that runs inside Spring Security's
     * own filters (an {@code AuthenticationProvider}) need the filter before it: {@code bulwark.web.filter-order=-110}
     * (the caller then has its IP and request id, not yet its user).
     */
    public static final int DEFAULT_ORDER = -90;

    @Bean
    @ConditionalOnMissingBean(name = "bulwarkFilter")
    public FilterRegistrationBean<BulwarkFilter> bulwarkFilter(BulwarkWebProperties properties,
            ObjectProvider<CallerCustomizer> customizers) {
        FilterRegistrationBean<BulwarkFilter> registration = new FilterRegistrationBean<>(
                new BulwarkFilter(properties.toSettings(), customizers.orderedStream().toList()));
        registration.setName("bulwarkFilter");
        registration.setOrder(properties.filterOrder() == null ? DEFAULT_ORDER : properties.filterOrder());
        // ASYNC: a controller returning a Callable or DeferredResult is dispatched again; the filter re-binds the
        // same caller there (kept in a request attribute).
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
        return registration;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class ExceptionHandling {

        @Bean
        @ConditionalOnMissingBean
        BulwarkExceptionHandler bulwarkExceptionHandler() {
            return new BulwarkExceptionHandler();
        }
    }
}
