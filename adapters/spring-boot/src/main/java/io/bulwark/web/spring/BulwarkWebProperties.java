package io.bulwark.web.spring;

import io.bulwark.web.WebSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code bulwark.web.*} in {@code application.properties} (or any Spring property source). An unknown key under
 * {@code bulwark.web} stops startup, as a typo in a trusted-proxy list must not go unnoticed.
 *
 * <pre>
 * bulwark.web.trusted-proxies=10.0.0.0/8, 127.0.0.1/32
 * bulwark.web.user-header=X-User
 * </pre>
 *
 * @param enabled     whether the filter and exception handler are registered (default true)
 * @param filterOrder the filter's place in the chain; default {@link BulwarkWebAutoConfiguration#DEFAULT_ORDER}
 * @see WebSettings for the others
 */
@ConfigurationProperties(prefix = "bulwark.web", ignoreUnknownFields = false)
public record BulwarkWebProperties(Boolean enabled, Integer filterOrder, List<String> trustedProxies,
        String forwardedHeader, String userHeader, String rolesHeader, List<String> roles, String orgHeader,
        String orgAttribute, String requestIdHeader, String otpHeader, String sessionHeader) {

    /** The settings these properties describe, checked like every adapter's. */
    WebSettings toSettings() {
        Map<String, String> keys = new LinkedHashMap<>();
        put(keys, "trusted-proxies", trustedProxies == null ? null : String.join(",", trustedProxies));
        put(keys, "forwarded-header", forwardedHeader);
        put(keys, "user-header", userHeader);
        put(keys, "roles-header", rolesHeader);
        put(keys, "roles", roles == null ? null : String.join(",", roles));
        put(keys, "org-header", orgHeader);
        put(keys, "org-attribute", orgAttribute);
        put(keys, "request-id-header", requestIdHeader);
        put(keys, "otp-header", otpHeader);
        put(keys, "session-header", sessionHeader);
        return WebSettings.from(keys, "Spring environment");
    }

    private static void put(Map<String, String> keys, String key, String value) {
        if (value != null) {
            keys.put(WebSettings.PREFIX + key, value);
        }
    }
}
