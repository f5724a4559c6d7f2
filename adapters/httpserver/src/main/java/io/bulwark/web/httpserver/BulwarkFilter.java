package io.bulwark.web.httpserver;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.bulwark.Bulwark;
import io.bulwark.BulwarkException;
import io.bulwark.Caller;
import io.bulwark.web.CallerResolver;
import io.bulwark.web.Refusal;
import io.bulwark.web.WebSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Binds the Bulwark {@link Caller} of each exchange on the JDK's own HTTP server ({@code com.sun.net.httpserver})
 * and answers any {@link BulwarkException} with its status, headers and a small JSON body.
 *
 * <pre>{@code
 * HttpContext context = server.createContext("/login", handler);
 * context.getFilters().add(new BulwarkFilter(WebSettings.fromSystemProperties()));
 * }</pre>
 *
 * <p>The caller: user from the context's {@code Authenticator}, else the configured user header; IP from the
 * socket, or from {@code X-Forwarded-For}/{@code Forwarded} when the peer is a trusted proxy; roles and org from
 * their headers, org also from an exchange attribute; request id from {@code X-Request-Id} or a fresh one, echoed.
 * The server has no sessions and no roles of its own.
 */
public final class BulwarkFilter extends Filter {

    private final CallerResolver resolver;

    public BulwarkFilter(WebSettings settings) {
        this.resolver = new CallerResolver(settings);
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        Caller caller = resolver.resolve(new ExchangeView(exchange));
        exchange.getResponseHeaders().set(resolver.settings().requestIdHeader(), caller.requestId());
        try (Bulwark.Scope scope = Bulwark.bind(caller)) {
            chain.doFilter(exchange);
        } catch (BulwarkException refused) {
            // A handler that sent its headers before the guarded call cannot be answered again: the server would
            // refuse the second sendResponseHeaders, so the refusal goes up like any other exception.
            if (exchange.getResponseCode() != -1) {
                throw refused;
            }
            send(exchange, Refusal.of(refused, caller.requestId()));
        }
    }

    private static void send(HttpExchange exchange, Refusal refusal) throws IOException {
        refusal.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = (refusal.body() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(refusal.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public String description() {
        return "binds the Bulwark caller and maps refusals to HTTP answers";
    }
}
