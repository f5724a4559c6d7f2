package io.bulwark.web.httpserver;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import io.bulwark.web.HttpRequestView;
import java.net.InetSocketAddress;
import java.util.List;

/** An exchange of the JDK's HTTP server as the caller resolver reads it. */
final class ExchangeView implements HttpRequestView {

    private final HttpExchange exchange;

    ExchangeView(HttpExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String peerAddress() {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = exchange.getRequestHeaders().get(name);
        return values == null ? List.of() : values;
    }

    /** Set when the context has an {@code Authenticator}. */
    @Override
    public String principal() {
        HttpPrincipal principal = exchange.getPrincipal();
        return principal == null ? null : principal.getUsername();
    }

    @Override
    public Object attribute(String name) {
        return exchange.getAttribute(name);
    }
}
