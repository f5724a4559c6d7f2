package io.bulwark.internal;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * What a key template does to a value's text before it becomes part of a key, shared by the runtime's compiled
 * templates and the processor's generated extractors, so that both render one key. Not API.
 *
 * <ul>
 *   <li>Modifiers, written after the path and applied left to right: {@code {email:lower}},
 *   {@code {email:trim:lower}}, so that case and spacing variants of one value share a counter (and a lockout).</li>
 *   <li>{@code {caller.ip}}: an IPv6 address counts by its network, the first {@code bulwark.ratelimit.ipv6-prefix}
 *   bits (default 64, a subscriber's /64), rendered {@code 2001:db8:1:2::/64}, so that a client rotating addresses
 *   inside its own network stays one key; IPv4 stays the address (/32). Anything not an address stays as it is.</li>
 * </ul>
 */
public final class KeyText {

    /** The modifiers a template may name. */
    public static final List<String> MODIFIERS = List.of("lower", "upper", "trim", "nfkc");
    public static final int DEFAULT_IPV6_PREFIX = 64;

    /** Set once by the runtime from the configuration; in a record, like Dispatch's state, for the same reason. */
    private record Configured() {
        private static volatile int ipv6Prefix = DEFAULT_IPV6_PREFIX;
        private static boolean set;
    }

    private KeyText() {
    }

    /**
     * Sets the IPv6 prefix; the first call wins (the runtime's, in premain), so that nothing later can widen a key.
     *
     * @return whether it was set
     */
    public static synchronized boolean configure(int ipv6Prefix) {
        if (Configured.set || ipv6Prefix < 48 || ipv6Prefix > 128) {
            return false;
        }
        Configured.ipv6Prefix = ipv6Prefix;
        Configured.set = true;
        return true;
    }

    public static String lower(String value) {
        return value == null ? null : value.toLowerCase(Locale.ROOT);
    }

    public static String upper(String value) {
        return value == null ? null : value.toUpperCase(Locale.ROOT);
    }

    public static String trim(String value) {
        return value == null ? null : value.strip();
    }

    /** Unicode compatibility composition: full-width and other look-alike spellings of one text become one. */
    public static String nfkc(String value) {
        return value == null ? null : Normalizer.normalize(value, Normalizer.Form.NFKC);
    }

    /** {@code modifier} (one of {@link #MODIFIERS}) applied to {@code value}. */
    public static String apply(String modifier, String value) {
        return switch (modifier) {
            case "lower" -> lower(value);
            case "upper" -> upper(value);
            case "trim" -> trim(value);
            case "nfkc" -> nfkc(value);
            default -> throw new IllegalArgumentException("unknown key modifier: " + modifier);
        };
    }

    /** The caller's address as a key: an IPv6 address by its network prefix, anything else as it is. */
    public static String callerIp(String ip) {
        if (ip == null || ip.indexOf(':') < 0) {
            return ip;
        }
        byte[] address = IpAddresses.parse(ip);
        if (address == null || address.length == 4) {
            return address == null ? ip : IpAddresses.format(address);
        }
        int prefix = Configured.ipv6Prefix;
        if (prefix >= 128) {
            return IpAddresses.format(address);
        }
        for (int bit = prefix; bit < 128; bit++) {
            address[bit >>> 3] &= (byte) ~(0x80 >>> (bit & 7));
        }
        return IpAddresses.format(address) + "/" + prefix;
    }
}
