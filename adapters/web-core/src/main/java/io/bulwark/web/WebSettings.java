package io.bulwark.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * How web adapters build the caller of a request: the {@code bulwark.web.*} keys. The agent does not read these
 * (it starts before any web framework); each adapter does, from its own configuration: Spring Boot's
 * {@code application.properties}, a servlet filter's init parameters, or system properties.
 *
 * <pre>{@code
 * WebSettings settings = WebSettings.from(Map.of(
 *         "bulwark.web.trusted-proxies", "10.0.0.0/8",
 *         "bulwark.web.user-header", "X-User"), "my config");
 * }</pre>
 *
 * @param trustedProxies  {@code bulwark.web.trusted-proxies}: proxies whose forwarding header is believed; none by
 *                        default, so the client is the socket's peer
 * @param forwardedHeader {@code bulwark.web.forwarded-header}: {@code X-Forwarded-For} (default) or
 *                        {@code Forwarded}, the one header the trusted proxies write
 * @param userHeader      {@code bulwark.web.user-header}: the header naming the user when no principal is
 *                        authenticated (set by a gateway that authenticates); null for none
 * @param rolesHeader     {@code bulwark.web.roles-header}: a comma-separated roles header; null for none
 * @param roles           {@code bulwark.web.roles}: role names asked of the server ({@code isUserInRole})
 * @param orgHeader       {@code bulwark.web.org-header}: the header naming the organization (tenant); null for none
 * @param orgAttribute    {@code bulwark.web.org-attribute}: a request attribute naming the organization, set by
 *                        earlier code; it wins over the header; null for none
 * @param requestIdHeader {@code bulwark.web.request-id-header}: read, or made and echoed; {@code X-Request-Id}
 * @param otpHeader       {@code bulwark.web.otp-header}: the header a client sends a second-factor code in, for
 *                        {@code @Requires2FA}; {@code X-OTP} by default, empty for none
 * @param sessionHeader   {@code bulwark.web.session-header}: a header carrying a session id, for servers without
 *                        sessions of their own (a gateway's session); the server's session wins; null for none
 */
public record WebSettings(TrustedProxies trustedProxies, ForwardedHeader forwardedHeader, String userHeader,
        String rolesHeader, List<String> roles, String orgHeader, String orgAttribute, String requestIdHeader,
        String otpHeader, String sessionHeader) {

    public static final String PREFIX = "bulwark.web.";
    static final String TRUSTED_PROXIES = "trusted-proxies";
    static final String FORWARDED_HEADER = "forwarded-header";
    static final String USER_HEADER = "user-header";
    static final String ROLES_HEADER = "roles-header";
    static final String ROLES = "roles";
    static final String ORG_HEADER = "org-header";
    static final String ORG_ATTRIBUTE = "org-attribute";
    static final String REQUEST_ID_HEADER = "request-id-header";
    static final String OTP_HEADER = "otp-header";
    static final String SESSION_HEADER = "session-header";
    /** The last two are read by Spring Boot's auto-configuration only (whether and where to register the filter). */
    static final List<String> KEYS = List.of(TRUSTED_PROXIES, FORWARDED_HEADER, USER_HEADER, ROLES_HEADER, ROLES,
            ORG_HEADER, ORG_ATTRIBUTE, REQUEST_ID_HEADER, OTP_HEADER, SESSION_HEADER, "enabled", "filter-order");

    public WebSettings {
        roles = List.copyOf(roles);
    }

    /** No trusted proxy, no identity headers, {@code X-Request-Id}, codes in {@code X-OTP}. */
    public static WebSettings defaults() {
        return new WebSettings(TrustedProxies.none(), ForwardedHeader.X_FORWARDED_FOR, null, null, List.of(), null,
                null, "X-Request-Id", "X-OTP", null);
    }

    /** The {@code bulwark.web.*} system properties, over the defaults. */
    public static WebSettings fromSystemProperties() {
        return fromSystemProperties(Map.of(), "code");
    }

    /**
     * The {@code bulwark.web.*} system properties over {@code keys} (what the application set in code or in its
     * deployment descriptor), over the defaults: an operator's {@code -D} wins.
     *
     * <pre>{@code
     * WebSettings.fromSystemProperties(Map.of("bulwark.web.user-header", "X-User"), "code")
     * }</pre>
     */
    public static WebSettings fromSystemProperties(Map<String, String> keys, String origin) {
        Properties properties = System.getProperties();
        Map<String, String> merged = new TreeMap<>(keys);
        for (String name : properties.stringPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                merged.put(name, properties.getProperty(name));
            }
        }
        return from(merged, "system property or " + origin);
    }

    /**
     * @param properties {@code bulwark.web.*} keys and their values (other keys are not looked at)
     * @param origin     where they come from, for messages ({@code "application.properties"})
     * @throws IllegalArgumentException naming every bad key, its value and what was expected
     */
    public static WebSettings from(Map<String, String> properties, String origin) {
        WebSettings s = defaults();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(properties).entrySet()) {
            if (!entry.getKey().startsWith(PREFIX)) {
                continue;
            }
            String key = entry.getKey().substring(PREFIX.length());
            String value = entry.getValue() == null ? "" : entry.getValue().strip();
            String where = entry.getKey() + " (" + origin + ") = '" + value + "'";
            try {
                s = with(s, key, value);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Bulwark web settings: " + String.join("; ", problems));
        }
        return s;
    }

    private static WebSettings with(WebSettings s, String key, String value) {
        String header = value.isEmpty() ? null : value;
        if (header != null && key.endsWith("-header") && !key.equals(FORWARDED_HEADER)
                && !HeaderValues.isHeaderName(header)) {
            throw new IllegalArgumentException("expected an HTTP header name such as X-User");
        }
        return switch (key) {
            case TRUSTED_PROXIES -> new WebSettings(TrustedProxies.parse(value), s.forwardedHeader, s.userHeader,
                    s.rolesHeader, s.roles, s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader,
                    s.sessionHeader);
            case FORWARDED_HEADER -> new WebSettings(s.trustedProxies, forwardedHeader(value), s.userHeader,
                    s.rolesHeader, s.roles, s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader,
                    s.sessionHeader);
            case USER_HEADER -> new WebSettings(s.trustedProxies, s.forwardedHeader, header, s.rolesHeader, s.roles,
                    s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader, s.sessionHeader);
            case ROLES_HEADER -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, header, s.roles,
                    s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader, s.sessionHeader);
            case ROLES -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader,
                    roles(value), s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader, s.sessionHeader);
            case ORG_HEADER -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader,
                    s.roles, header, s.orgAttribute, s.requestIdHeader, s.otpHeader, s.sessionHeader);
            case ORG_ATTRIBUTE -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader,
                    s.roles, s.orgHeader, header, s.requestIdHeader, s.otpHeader, s.sessionHeader);
            case REQUEST_ID_HEADER -> {
                if (header == null) {
                    throw new IllegalArgumentException("expected an HTTP header name (X-Request-Id by default)");
                }
                yield new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader, s.roles,
                        s.orgHeader, s.orgAttribute, header, s.otpHeader, s.sessionHeader);
            }
            case OTP_HEADER -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader,
                    s.roles, s.orgHeader, s.orgAttribute, s.requestIdHeader, header, s.sessionHeader);
            case SESSION_HEADER -> new WebSettings(s.trustedProxies, s.forwardedHeader, s.userHeader, s.rolesHeader,
                    s.roles, s.orgHeader, s.orgAttribute, s.requestIdHeader, s.otpHeader, header);
            case "enabled", "filter-order" -> s;
            default -> throw new IllegalArgumentException("not a Bulwark web key: expected one of "
                    + String.join(", ", KEYS.stream().map(k -> PREFIX + k).toList()));
        };
    }

    private static ForwardedHeader forwardedHeader(String value) {
        ForwardedHeader header = ForwardedHeader.named(value);
        if (header == null) {
            throw new IllegalArgumentException("expected X-Forwarded-For or Forwarded: the one header your trusted "
                    + "proxies write the client's address into");
        }
        return header;
    }

    private static List<String> roles(String value) {
        List<String> roles = new ArrayList<>();
        for (String role : value.split(",")) {
            if (!role.isBlank()) {
                roles.add(role.strip());
            }
        }
        return roles;
    }
}
