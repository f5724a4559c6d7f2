package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OtpAuthUriTest {

    private static final TotpSecret SECRET = TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    private static final String BASE32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void writesGooglesKeyUriFormatWithEveryParameter() {
        assertEquals("otpauth://totp/Example:alice@google.com?secret=" + BASE32
                + "&issuer=Example&algorithm=SHA1&digits=6&period=30",
                OtpAuthUri.of("Example", "alice@google.com", SECRET).toUriString());
    }

    @Test
    void writesTheChosenParameters() {
        OtpAuthUri uri = OtpAuthUri.of("ACME", "bob", SECRET, new TotpParameters(TotpAlgorithm.SHA512, 8, 60));
        assertTrue(uri.toUriString().endsWith("&algorithm=SHA512&digits=8&period=60"), uri.toUriString());
    }

    @Test
    void percentEncodesSpacesAsPercentTwentyNeverPlus() {
        String uri = OtpAuthUri.of("ACME Co", "John Doe", SECRET).toUriString();
        assertTrue(uri.startsWith("otpauth://totp/ACME%20Co:John%20Doe?secret="), uri);
        assertTrue(uri.contains("&issuer=ACME%20Co&"), uri);
        assertFalse(uri.contains("+"), uri);
    }

    @Test
    void percentEncodesUtf8AndReservedCharacters() {
        String uri = OtpAuthUri.of("Café & Co", "jöhn+tag@example.com", SECRET).toUriString();
        assertTrue(uri.startsWith("otpauth://totp/Caf%C3%A9%20%26%20Co:j%C3%B6hn%2Btag@example.com?"), uri);
        assertTrue(uri.contains("&issuer=Caf%C3%A9%20%26%20Co&"), uri);
        assertEquals("\ud83d\udd12%", URLDecoder.decode(OtpAuthUri.percentEncode("\ud83d\udd12%"),
                StandardCharsets.UTF_8));
        assertEquals("%F0%9F%94%92%25%2F%3F%23", OtpAuthUri.percentEncode("\ud83d\udd12%/?#"));
        assertEquals("aZ09-._~@", OtpAuthUri.percentEncode("aZ09-._~@"));
    }

    @Test
    void isAValidUriWhoseLabelAndIssuerDecodeBack() throws Exception {
        URI uri = new URI(OtpAuthUri.of("Café & Co", "jöhn+tag@example.com", SECRET).toUriString());
        assertEquals("otpauth", uri.getScheme());
        assertEquals("totp", uri.getHost());
        assertEquals("/Café & Co:jöhn+tag@example.com", uri.getPath());
        assertTrue(uri.getRawQuery().startsWith("secret=" + BASE32 + "&issuer="));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACME:Co", ":ACME", "ACME:"})
    void refusesAColonInTheIssuer(String issuer) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of(issuer, "alice", SECRET));
        assertTrue(e.getMessage().startsWith("otpauth issuer contains ':' at index "), e.getMessage());
        assertFalse(e.getMessage().contains(issuer), "the name is not echoed");
    }

    @Test
    void refusesAColonInTheAccount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of("ACME", "alice:admin@example.com", SECRET));
        assertEquals("otpauth account contains ':' at index 5; the colon separates issuer and account in the label"
                + " and may not appear in either", e.getMessage());
    }

    @Test
    void refusesEmptyBlankPaddedOrControlCharacterNames() {
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("", "alice", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("ACME", "  ", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of(" ACME", "alice", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("ACME", "alice ", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("AC\nME", "alice", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("ACME", "al\u0000ice", SECRET));
        assertThrows(NullPointerException.class, () -> OtpAuthUri.of(null, "alice", SECRET));
    }

    @Test
    void refusesUnpairedSurrogates() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of("ACME", "al\ud83dice", SECRET));
        assertEquals("otpauth account has an unpaired surrogate at index 2", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OtpAuthUri.of("ACME\udd12", "alice", SECRET));
        OtpAuthUri.of("ACME \ud83d\udd12", "alice", SECRET);
    }

    @Test
    void refusesNamesLongerThan128Characters() {
        OtpAuthUri.of("A".repeat(128), "alice", SECRET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OtpAuthUri.of("A".repeat(129), "alice", SECRET));
        assertEquals("otpauth issuer must be at most 128 characters, was 129", e.getMessage());
    }

    @Test
    void toStringShowsNeitherSecretNorAccount() {
        OtpAuthUri uri = OtpAuthUri.of("ACME Co", "alice@example.com", SECRET);
        assertEquals("OtpAuthUri[issuer=ACME Co, SHA1, 6 digits, 30 s]", uri.toString());
        assertEquals("ACME Co", uri.issuer());
        assertEquals("alice@example.com", uri.account());
    }
}
