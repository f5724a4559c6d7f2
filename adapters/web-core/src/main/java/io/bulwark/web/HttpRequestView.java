package io.bulwark.web;

import java.util.List;

/**
 * What {@link CallerResolver} reads of a request; each adapter implements it over its server's request type.
 *
 * <pre>{@code
 * HttpRequestView view = new HttpRequestView() {
 *     public String peerAddress() { return exchange.getRemoteAddress().getAddress().getHostAddress(); }
 *     public List<String> headers(String name) { return exchange.getRequestHeaders().getOrDefault(name, List.of()); }
 * };
 * Caller caller = resolver.resolve(view);
 * }</pre>
 */
public interface HttpRequestView {

    /** The socket peer's IP address literal, as the server reports it. */
    String peerAddress();

    /** Every value of header {@code name} (any case), one per header line, in the order received; never null. */
    List<String> headers(String name);

    /** The authenticated principal's name, or null. */
    default String principal() {
        return null;
    }

    /** A request attribute set by code that ran before (an authentication filter), or null. */
    default Object attribute(String name) {
        return null;
    }

    /** The id of the request's existing session (never one created for the purpose), or null. */
    default String sessionId() {
        return null;
    }

    /** Whether the authenticated principal has {@code role} ({@code HttpServletRequest.isUserInRole}). */
    default boolean inRole(String role) {
        return false;
    }
}
