package io.bulwark.web.spring;

import io.bulwark.web.HttpRequestView;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.web.server.ServerWebExchange;

/** A WebFlux request as {@link io.bulwark.web.CallerResolver} reads it; principal and session are resolved before. */
final class ServerRequestView implements HttpRequestView {

    private final ServerWebExchange exchange;
    private final String principal;
    private final String sessionId;
    private Map<String, List<String>> headers;

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

    /**
     * Read once, through {@code forEach}: Spring 7's {@code HttpHeaders} is no longer a {@code Map}, so its
     * {@code get(Object)} of Spring 6 is gone; {@code forEach(BiConsumer)} links on both (Boot 3.5 and 4.0).
     */
    @Override
    public List<String> headers(String name) {
        if (headers == null) {
            Map<String, List<String>> all = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequest().getHeaders().forEach((key, values) ->
                    all.computeIfAbsent(key, k -> new ArrayList<>()).addAll(values));
            headers = all;
        }
        List<String> values = headers.get(name);
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
