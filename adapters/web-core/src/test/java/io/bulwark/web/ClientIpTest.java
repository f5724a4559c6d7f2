package io.bulwark.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIpTest {

    private static final ClientIp NO_PROXY = new ClientIp(TrustedProxies.none(), ForwardedHeader.X_FORWARDED_FOR);
    private static final ClientIp BEHIND_PROXIES = new ClientIp(TrustedProxies.parse("127.0.0.1/32, 10.0.0.0/8, ::1"),
            ForwardedHeader.X_FORWARDED_FOR);
    private static final ClientIp BEHIND_RFC7239 = new ClientIp(TrustedProxies.parse("127.0.0.1/32, 10.0.0.0/8"),
            ForwardedHeader.FORWARDED);

    @Test
    void withoutTrustedProxiesTheSocketPeerIsTheClientWhateverItClaims() {
        assertEquals("198.51.100.7", NO_PROXY.resolve("198.51.100.7", List.of("203.0.113.1")));
    }

    @Test
    void anUntrustedPeerCannotSpoofItsWayInEvenWhenProxiesAreTrusted() {
        assertEquals("198.51.100.7", BEHIND_PROXIES.resolve("198.51.100.7", List.of("10.0.0.1, 127.0.0.1")));
    }

    @Test
    void aTrustedPeersHeaderIsWalkedFromTheRightToTheFirstUntrustedHop() {
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9")));
        // The client wrote 6.6.6.6 itself; the proxies appended 203.0.113.9 (what connected to them) and 10.1.2.3.
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("127.0.0.1", List.of("6.6.6.6, 203.0.113.9, 10.1.2.3")));
    }

    @Test
    void severalHeaderLinesAreOneListInOrder() {
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("127.0.0.1", List.of("6.6.6.6", "203.0.113.9", "10.0.0.2")));
    }

    @Test
    void whenEveryHopIsTrustedTheLeftmostIsTheClient() {
        assertEquals("10.0.0.5", BEHIND_PROXIES.resolve("127.0.0.1", List.of("10.0.0.5, 10.0.0.6")));
    }

    @Test
    void aHopThatIsNotAnAddressStopsTheWalkAtTheLastTrustedOne() {
        assertEquals("10.0.0.6", BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9, unknown, 10.0.0.6")));
        assertEquals("127.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("evil.example.com")));
        assertEquals("127.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("")));
        assertEquals("127.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9, ")));
    }

    @Test
    void portsBracketsAndSpellingsOfOneAddressAreOneClient() {
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9:4711")));
        assertEquals("2001:db8::1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("[2001:DB8:0:0::1]:4711")));
        assertEquals("2001:db8::1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("2001:0db8::0001")));
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("127.0.0.1", List.of("::ffff:203.0.113.9")));
        assertEquals("::1", NO_PROXY.resolve("0:0:0:0:0:0:0:1", List.of()));
        assertEquals("203.0.113.9", BEHIND_PROXIES.resolve("0:0:0:0:0:0:0:1", List.of("203.0.113.9")), "::1 trusted");
    }

    @Test
    void forwardedElementsAreReadForTheirForParameter() {
        assertEquals("2001:db8::7", BEHIND_RFC7239.resolve("127.0.0.1",
                List.of("for=6.6.6.6, for=\"[2001:db8::7]:4711\";proto=https, For=10.0.0.9;by=10.0.0.1")));
        assertEquals("10.0.0.9", BEHIND_RFC7239.resolve("127.0.0.1", List.of("for=_hidden, for=10.0.0.9")),
                "an obfuscated identifier is not an address");
        assertEquals("127.0.0.1", BEHIND_RFC7239.resolve("127.0.0.1", List.of("proto=https")));
    }

    @Test
    void aHugeChainCostsAtMostABoundedWalk() {
        String chain = String.join(", ", Collections.nCopies(50_000, "10.0.0.1"));
        assertEquals("10.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("203.0.113.9, " + chain)),
                "past " + ClientIp.MAX_HOPS + " hops the last trusted one stands for the client");
    }

    @Test
    void hostNamesAndGarbageAreNeverResolved() {
        assertNull(NO_PROXY.resolve("localhost", List.of()));
        assertNull(NO_PROXY.resolve(null, List.of()));
        assertEquals("127.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("\u0661\u0662\u0667.0.0.1")));
        assertEquals("127.0.0.1", BEHIND_PROXIES.resolve("127.0.0.1", List.of("127.000.000.001")));
    }
}
