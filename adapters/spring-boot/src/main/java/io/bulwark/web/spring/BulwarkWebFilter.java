package io.bulwark.web.spring;

import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.web.CallerResolver;
import io.bulwark.web.Refusal;
import io.bulwark.web.WebSettings;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The reactive (WebFlux) counterpart of the servlet filter: builds the {@link Caller} of each request and carries it
 * in Reactor's context, under the key {@code Caller.class}, for everything the request subscribes to; answers a
 * {@link BulwarkException} the request fails with by its status, headers and JSON body, as the servlet adapter does.
 *
 * <p>Why the context and not the thread: a reactive request hops threads, and a handler runs wherever its data
 * arrives. Guarded methods that return {@code Mono} or {@code Flux} read the caller from the context of the
 * subscription that runs them (on any scheduler); guarded code they call while building or subscribing their
 * publisher sees it bound to the thread as usual. Code reached from elsewhere that needs the caller reads it with
 * {@code Mono.deferContextual(ctx -> ...)}, or wraps the call in {@code Bulwark.bind(ctx.get(Caller.class))}.
 *
 * <p>The caller: user from the exchange's principal (Spring Security's, when it runs first), else the configured user
 * header; roles from the roles header (WebFlux has no {@code isUserInRole}: add others with a
 * {@link ReactiveCallerCustomizer}); org from an exchange attribute or header; IP from the socket, or the forwarding
 * header of a trusted proxy; request id from {@code X-Request-Id} or a fresh one, echoed in the response; an opaque
 * hash of the id of a session the request already has (none is created); the user agent.
 */
public class BulwarkWebFilter implements WebFilter, Ordered {

    /** The exchange attribute holding the request's caller. */
    public static final String CALLER_ATTRIBUTE = Caller.class.getName();
    private static final int MAX_CAUSES = 8;
    private static final String NONE = "";

    private final CallerResolver resolver;
    private final List<ReactiveCallerCustomizer> customizers;
    private final int order;

    /** @param customizers applied in order to each caller the filter builds */
    public BulwarkWebFilter(WebSettings settings, List<ReactiveCallerCustomizer> customizers, int order) {
        this.resolver = new CallerResolver(settings);
        this.customizers = List.copyOf(customizers);
        this.order = order;
    }

    @Override
    public int getOrder() {
        return order;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Mono<String> principal = exchange.getPrincipal().map(Principal::getName).defaultIfEmpty(NONE);
        // A session object exists for every exchange; only one already started (saved, with a cookie) is the
        // client's. Nothing here starts one.
        Mono<String> session = exchange.getSession().map(BulwarkWebFilter::startedId).defaultIfEmpty(NONE);
        return Mono.zip(principal, session).flatMap(known -> {
            Caller caller = caller(exchange, known.getT1(), known.getT2());
            return chain.filter(exchange)
                    .onErrorResume(e -> refusalIn(e) != null && !exchange.getResponse().isCommitted(),
                            e -> write(exchange, Refusal.of(refusalIn(e), caller.requestId())))
                    .contextWrite(context -> context.put(Caller.class, caller));
        });
    }

    private static String startedId(WebSession session) {
        return session.isStarted() ? session.getId() : NONE;
    }

    private Caller caller(ServerWebExchange exchange, String principal, String sessionId) {
        Caller caller = resolver.resolve(new ServerRequestView(exchange, principal.isEmpty() ? null : principal,
                sessionId.isEmpty() ? null : sessionId));
        for (ReactiveCallerCustomizer customizer : customizers) {
            caller = customizer.customize(caller, exchange);
        }
        exchange.getAttributes().put(CALLER_ATTRIBUTE, caller);
        exchange.getResponse().getHeaders().set(resolver.settings().requestIdHeader(), caller.requestId());
        return caller;
    }

    static BulwarkException refusalIn(Throwable thrown) {
        Throwable t = thrown;
        for (int i = 0; t != null && i < MAX_CAUSES; i++, t = t.getCause()) {
            if (t instanceof BulwarkException refused) {
                return refused;
            }
        }
        return null;
    }

    /** Writes {@code refusal} as the whole response. */
    static Mono<Void> write(ServerWebExchange exchange, Refusal refusal) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(refusal.status()));
        refusal.headers().forEach(response.getHeaders()::set);
        byte[] body = (refusal.body() + "\n").getBytes(StandardCharsets.US_ASCII);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
