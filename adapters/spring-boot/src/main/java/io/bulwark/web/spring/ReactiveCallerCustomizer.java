package io.bulwark.web.spring;

import io.bulwark.Caller;
import org.springframework.web.server.ServerWebExchange;

/**
 * For reactive (WebFlux) applications, what {@link io.bulwark.web.servlet.CallerCustomizer} is for servlet ones: adds
 * what only the application knows to the caller {@link BulwarkWebFilter} built (an email, roles from its own security
 * context, a tenant from the host name).
 *
 * <pre>{@code
 * @Bean
 * ReactiveCallerCustomizer tenant() {
 *     return (caller, exchange) -> caller.org(exchange.getRequest().getURI().getHost());
 * }
 * }</pre>
 *
 * <p>Called once per request before any guarded code runs; it must not block or throw.
 */
@FunctionalInterface
public interface ReactiveCallerCustomizer {

    Caller customize(Caller caller, ServerWebExchange exchange);
}
