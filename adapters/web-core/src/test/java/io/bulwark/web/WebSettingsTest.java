package io.bulwark.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebSettingsTest {

    @Test
    void keysOverTheDefaults() {
        WebSettings s = WebSettings.from(Map.of("bulwark.web.trusted-proxies", "10.0.0.0/8",
                "bulwark.web.forwarded-header", "forwarded", "bulwark.web.user-header", "X-User",
                "bulwark.web.roles", "admin,,auditor ", "bulwark.web.request-id-header", "X-Correlation-Id",
                "bulwark.web.enabled", "true", "other.key", "ignored"), "test");
        assertEquals("10.0.0.0/8", s.trustedProxies().toString());
        assertEquals(ForwardedHeader.FORWARDED, s.forwardedHeader());
        assertEquals("X-User", s.userHeader());
        assertEquals(List.of("admin", "auditor"), s.roles());
        assertEquals("X-Correlation-Id", s.requestIdHeader());
        assertEquals(WebSettings.defaults(), WebSettings.from(Map.of(), "test"));
    }

    @Test
    void everyMistakeIsNamedWithItsKeyOriginValueAndWhatWasExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebSettings.from(Map.of(
                "bulwark.web.trusted-proxies", "10.0.0.0/40", "bulwark.web.user-header", "X User",
                "bulwark.web.forwarded-header", "X-Real-IP", "bulwark.web.trusted-proxy", "10.0.0.0/8"),
                "application.properties"));
        assertEquals("Bulwark web settings: "
                + "bulwark.web.forwarded-header (application.properties) = 'X-Real-IP': expected X-Forwarded-For or "
                + "Forwarded: the one header your trusted proxies write the client's address into; "
                + "bulwark.web.trusted-proxies (application.properties) = '10.0.0.0/40': '10.0.0.0/40' has prefix "
                + "length '40': expected 0 to 32 for an IPv4 address; "
                + "bulwark.web.trusted-proxy (application.properties) = '10.0.0.0/8': not a Bulwark web key: expected "
                + "one of bulwark.web.trusted-proxies, bulwark.web.forwarded-header, bulwark.web.user-header, "
                + "bulwark.web.roles-header, bulwark.web.roles, bulwark.web.org-header, bulwark.web.org-attribute, "
                + "bulwark.web.request-id-header, bulwark.web.otp-header, bulwark.web.session-header, "
                + "bulwark.web.enabled, bulwark.web.filter-order; "
                + "bulwark.web.user-header (application.properties) = 'X User': expected an HTTP header name such as "
                + "X-User", e.getMessage());
    }

    @Test
    void systemPropertiesWinOverWhatCodeSet() {
        System.setProperty("bulwark.web.user-header", "X-Authenticated-User");
        try {
            WebSettings s = WebSettings.fromSystemProperties(Map.of("bulwark.web.user-header", "X-User",
                    "bulwark.web.org-header", "X-Org"), "code");
            assertEquals("X-Authenticated-User", s.userHeader());
            assertEquals("X-Org", s.orgHeader());
        } finally {
            System.clearProperty("bulwark.web.user-header");
        }
    }
}
