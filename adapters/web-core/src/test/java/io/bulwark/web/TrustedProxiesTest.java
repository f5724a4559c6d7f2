package io.bulwark.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

    @Test
    void blocksMatchTheirWholeRangeAndNothingElse() {
        TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.128/25, fd00::/8, 127.0.0.1");
        assertTrue(proxies.contains("10.255.255.255"));
        assertFalse(proxies.contains("11.0.0.0"));
        assertTrue(proxies.contains("192.168.1.200"));
        assertFalse(proxies.contains("192.168.1.127"));
        assertTrue(proxies.contains("fdff:1::2"));
        assertFalse(proxies.contains("fe00::1"));
        assertTrue(proxies.contains("127.0.0.1"));
        assertFalse(proxies.contains("127.0.0.2"));
        assertTrue(proxies.contains("::ffff:10.1.1.1"), "an IPv4-mapped address is its IPv4 address");
        assertFalse(proxies.contains("not an address"));
        assertEquals("10.0.0.0/8,192.168.1.128/25,fd00::/8,127.0.0.1", proxies.toString());
    }

    @Test
    void zeroPrefixTrustsAFamilyAndBlankTrustsNothing() {
        assertTrue(TrustedProxies.parse("0.0.0.0/0").contains("203.0.113.1"));
        assertFalse(TrustedProxies.parse("0.0.0.0/0").contains("::1"));
        assertTrue(TrustedProxies.parse(" ").isEmpty());
        assertFalse(TrustedProxies.none().contains("127.0.0.1"));
    }

    @Test
    void mistakesAreRefusedSayingWhatWasExpected() {
        assertEquals("'10.0.0.0/33' has prefix length '33': expected 0 to 32 for an IPv4 address",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.0.0.0/33")).getMessage());
        assertEquals("'proxy.internal' is not a CIDR block: expected an IPv4 or IPv6 address with an optional prefix "
                + "length, such as 10.0.0.0/8, 127.0.0.1/32 or fd00::/8 (host names are not resolved)",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("proxy.internal"))
                        .getMessage());
        assertEquals("'10.1.2.3/8' has bits set past its prefix length: expected the network address (10.0.0.0/8) or "
                + "a single address (10.1.2.3/32)",
                assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("10.1.2.3/8")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("fd00::/x"));
        assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse("fe80::1%eth0"));
    }
}
