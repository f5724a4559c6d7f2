package io.bulwark.web.spring;

import io.bulwark.web.HttpRequestView;
import java.net.InetSocketAddress;
import java.util.List;
import org.springframework.web.server.ServerWebExchange;

/** A WebFlux request as {@link io.bulwark.web.CallerResolver} reads it; principal and session are resolved before. */
final class ServerRequestView implements HttpRequestView {

    private final ServerWebExchange exchange;
    private final String principal;
    private final String sessionId;

    /**
     * @param principal the authenticated principal's name, or null
     * @param sessionId the id of a session the request already has (started), or null
     */
    ServerRequestView(ServerWebExchange exchange, String principal, String sessionId) {
        this.exchange = exchange;
        this.principal = principal;
        this.sessionId = sessionId;
    }

    @Override
    public String peerAddress() {
        InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? null : remote.getAddress().getHostAddress();
    }

    @Override
    public List<String> headers(String name) {
        List<String> values = exchange.getRequest().getHeaders().get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public String principal() {
        return principal;
    }

    @Override
    public Object attribute(String name) {
        return exchange.getAttribute(name);
    }

    @Override
    public String sessionId() {
        return sessionId;
    }
}
