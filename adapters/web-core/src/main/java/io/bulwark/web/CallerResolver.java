package io.bulwark.web;

import io.bulwark.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the {@link Caller} of a request from its socket, headers, principal and session, as {@link WebSettings}
 * say. Adapters call it once per request; it never throws on what a client sends (an unusable value is left out).
 *
 * <pre>{@code
 * CallerResolver resolver = new CallerResolver(WebSettings.fromSystemProperties());
 * Caller caller = resolver.resolve(view);          // view: the adapter's HttpRequestView
 * response.setHeader(settings.requestIdHeader(), caller.requestId());
 * try (Bulwark.Scope scope = Bulwark.bind(caller)) { ... }
 * }</pre>
 */
public final class CallerResolver {

    private static final int MAX_ROLES = 32;

    private final WebSettings settings;
    private final ClientIp clientIp;

    public CallerResolver(WebSettings settings) {
        this.settings = settings;
        this.clientIp = new ClientIp(settings.trustedProxies(), settings.forwardedHeader());
    }

    public WebSettings settings() {
        return settings;
    }

    /** The caller of the request {@code view} shows; its request id is never null (a fresh one if need be). */
    public Caller resolve(HttpRequestView view) {
        String requestId = HeaderValues.identifier(view.headers(settings.requestIdHeader()));
        if (requestId == null) {
            requestId = UUID.randomUUID().toString();
        }
        List<String> forwarded = settings.trustedProxies().isEmpty() ? List.of()
                : view.headers(settings.forwardedHeader().headerName());
        String ip = clientIp.resolve(view.peerAddress(), forwarded);
        return Caller.of(user(view))
                .roles(roles(view))
                .org(org(view))
                .ip(ip)
                .userAgent(HeaderValues.text(view.headers("User-Agent")))
                .requestId(requestId)
                .session(opaque(session(view)))
                .otp(settings.otpHeader() == null ? null : HeaderValues.text(view.headers(settings.otpHeader())));
    }

    /** The server's own session; else the session header, when one is configured. */
    private String session(HttpRequestView view) {
        String id = view.sessionId();
        if (id != null && !id.isEmpty()) {
            return id;
        }
        return settings.sessionHeader() == null ? null
                : HeaderValues.identifier(view.headers(settings.sessionHeader()));
    }

    /** The authenticated principal; else the user header, when one is configured. */
    private String user(HttpRequestView view) {
        String principal = view.principal();
        if (principal != null && !principal.isEmpty()) {
            return principal;
        }
        return settings.userHeader() == null ? null : HeaderValues.identifier(view.headers(settings.userHeader()));
    }

    private Set<String> roles(HttpRequestView view) {
        Set<String> roles = new LinkedHashSet<>();
        for (String role : settings.roles()) {
            if (view.inRole(role)) {
                roles.add(role);
            }
        }
        if (settings.rolesHeader() != null) {
            List<String> values = view.headers(settings.rolesHeader());
            String list = values.size() == 1 ? values.get(0) : null;
            if (list != null && list.length() <= 1024) {
                for (String role : list.split(",", MAX_ROLES + 1)) {
                    if (HeaderValues.isIdentifier(role.strip()) && roles.size() < MAX_ROLES) {
                        roles.add(role.strip());
                    }
                }
            }
        }
        return roles;
    }

    private String org(HttpRequestView view) {
        if (settings.orgAttribute() != null && view.attribute(settings.orgAttribute()) instanceof CharSequence value
                && HeaderValues.isIdentifier(value.toString())) {
            return value.toString();
        }
        return settings.orgHeader() == null ? null : HeaderValues.identifier(view.headers(settings.orgHeader()));
    }

    /**
     * A stable, opaque stand-in for a session id: the id itself is the session cookie's secret, and a caller is
     * printed and passed around. 128 bits of its SHA-256 are enough to tell sessions apart.
     */
    static String opaque(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8));
            return "s-" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
