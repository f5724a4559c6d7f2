package io.bulwark.web;

import io.bulwark.internal.IpAddresses;
import java.util.List;

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy. Then the forwarding header is walked
 * from the right (each proxy appends the address it received the request from) past every trusted hop, and the
 * first untrusted address is the client. Everything left of it was written by the client or by proxies nobody
 * vouches for, so a client cannot choose its address, whatever it sends.
 */
final class ClientIp {

    /** Hops walked at most: real chains have a handful; past this the last trusted hop stands for the client. */
    static final int MAX_HOPS = 32;

    private final TrustedProxies trusted;
    private final ForwardedHeader header;

    ClientIp(TrustedProxies trusted, ForwardedHeader header) {
        this.trusted = trusted;
        this.header = header;
    }

    /**
     * @param peer    the socket peer's address literal (any spelling)
     * @param values  every value of the forwarding header, in the order received
     * @return the client's address in canonical form, or null when the peer is not an address (a Unix socket)
     */
    String resolve(String peer, List<String> values) {
        byte[] address = IpAddresses.parse(peer);
        if (address == null) {
            return null;
        }
        if (trusted.isEmpty() || !trusted.contains(address) || values.isEmpty()) {
            return IpAddresses.format(address);
        }
        String chain = values.size() == 1 ? values.get(0) : String.join(",", values);
        int end = chain.length();
        for (int hop = 0; hop < MAX_HOPS && end >= 0; hop++) {
            int comma = chain.lastIndexOf(',', end - 1);
            byte[] next = IpAddresses.parse(hopAddress(chain.substring(comma + 1, end)));
            if (next == null) {
                // "unknown", an obfuscated RFC 7239 name, or garbage: nothing left of it can be placed, and the
                // trusted hop to its right is the best we know.
                break;
            }
            address = next;
            if (!trusted.contains(address)) {
                break;
            }
            end = comma;
        }
        return IpAddresses.format(address);
    }

    /** The address part of one hop: {@code 1.2.3.4}, {@code 1.2.3.4:80}, {@code [::1]:80}, or a Forwarded element. */
    private String hopAddress(String hop) {
        String s = hop.strip();
        if (header == ForwardedHeader.FORWARDED) {
            s = forParameter(s);
            if (s == null) {
                return null;
            }
        }
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close > 0 ? s.substring(1, close) : null;
        }
        int colon = s.indexOf(':');
        // One colon is IPv4 with a port; several are a bare IPv6 address.
        return colon > 0 && s.indexOf(':', colon + 1) < 0 ? s.substring(0, colon) : s;
    }

    /** The value of {@code for=} in one RFC 7239 element ({@code for=1.2.3.4;proto=https}), unquoted; else null. */
    private static String forParameter(String element) {
        for (String pair : element.split(";")) {
            String p = pair.strip();
            if (p.length() > 4 && p.regionMatches(true, 0, "for=", 0, 4)) {
                String value = p.substring(4).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                return value;
            }
        }
        return null;
    }
}
