package io.bulwark.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.9, 203.0.113.9",
        "0.0.0.0, 0.0.0.0",
        "255.255.255.255, 255.255.255.255",
        "2001:DB8::1, 2001:db8::1",
        "2001:0db8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
        "::, ::",
        "::1, ::1",
        "1::, 1::",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "[2001:db8::1], 2001:db8::1",
        "fe80::1%eth0, fe80::1",
        "::ffff:10.0.0.1, 10.0.0.1",
        "::ffff:a00:1, 10.0.0.1",
        "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
    })
    void canonicalFormOfAnAddress(String literal, String canonical) {
        assertEquals(canonical, IpAddresses.canonical(literal));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "10.0.0", "10.0.0.1.2", "10.0.0.256", "010.0.0.1",
        "1.2.3.-4", " 10.0.0.1", "10.0.0.1 ", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::1", "g::1",
        "１０.０.０.１", "::ffff:10.0.0", "1:2:3:4:5:6:7", ":1", "1:"})
    void anythingElseIsNotAnAddress(String literal) {
        assertNull(IpAddresses.canonical(literal), literal);
    }

    @org.junit.jupiter.api.Test
    void aVeryLongInputIsRefusedUnread() {
        assertNull(IpAddresses.canonical("1".repeat(1 << 20)));
    }
}
