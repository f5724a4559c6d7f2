package io.bulwark.web;

import io.bulwark.internal.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies whose forwarding headers are believed: a list of CIDR blocks, IPv4 and IPv6
 * ({@code 10.0.0.0/8, 127.0.0.1/32, fd00::/8}); a bare address is a block of one.
 *
 * <pre>{@code
 * TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, ::1/128");
 * proxies.contains("10.1.2.3");   // true
 * }</pre>
 */
public final class TrustedProxies {

    private static final TrustedProxies NONE = new TrustedProxies(List.of(), "");

    private final List<Block> blocks;
    private final String text;

    private record Block(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int fullBytes = prefix / 8;
            for (int i = 0; i < fullBytes; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            return rest == 0 || ((address[fullBytes] ^ network[fullBytes]) & 0xFF & (0xFF << (8 - rest))) == 0;
        }
    }

    private TrustedProxies(List<Block> blocks, String text) {
        this.blocks = blocks;
        this.text = text;
    }

    /** No proxy is trusted: the client is always the socket's peer. */
    public static TrustedProxies none() {
        return NONE;
    }

    /**
     * @param list comma-separated CIDR blocks; blank for none
     * @throws IllegalArgumentException naming the first entry that is not a CIDR block, and why
     */
    public static TrustedProxies parse(String list) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        List<Block> blocks = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String entry : list.split(",")) {
            String cidr = entry.strip();
            if (cidr.isEmpty()) {
                continue;
            }
            blocks.add(block(cidr));
            texts.add(cidr);
        }
        return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(blocks), String.join(",", texts));
    }

    private static Block block(String cidr) {
        int slash = cidr.indexOf('/');
        String addressText = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] address = addressText.indexOf('%') < 0 ? IpAddresses.parse(addressText) : null;
        if (address == null) {
            throw new IllegalArgumentException("'" + cidr + "' is not a CIDR block: expected an IPv4 or IPv6 address "
                    + "with an optional prefix length, such as 10.0.0.0/8, 127.0.0.1/32 or fd00::/8 (host names are "
                    + "not resolved)");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String prefixText = cidr.substring(slash + 1);
            prefix = prefixText.matches("[0-9]{1,3}") ? Integer.parseInt(prefixText) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + cidr + "' has prefix length '" + prefixText
                        + "': expected 0 to " + bits + " for an IPv" + (bits == 32 ? "4" : "6") + " address");
            }
        }
        Block block = new Block(address, prefix);
        for (int i = prefix; i < bits; i++) {
            if ((address[i / 8] & (0x80 >> (i % 8))) != 0) {
                // 10.1.2.3/8: a typo for /32, or for 10.0.0.0/8? Either way it should not silently mean the latter.
                throw new IllegalArgumentException("'" + cidr + "' has bits set past its prefix length: expected the "
                        + "network address (" + IpAddresses.format(masked(address, prefix)) + "/" + prefix + ") or a "
                        + "single address (" + IpAddresses.format(address) + "/" + bits + ")");
            }
        }
        return block;
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = prefix; i < out.length * 8; i++) {
            out[i / 8] &= (byte) ~(0x80 >> (i % 8));
        }
        return out;
    }

    /** Whether {@code address} (IPv4 or IPv6 literal) lies in one of the blocks; false for anything else. */
    public boolean contains(String address) {
        byte[] bytes = IpAddresses.parse(address);
        return bytes != null && contains(bytes);
    }

    boolean contains(byte[] address) {
        for (Block block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return blocks.isEmpty();
    }

    /** The blocks as configured, comma-separated. */
    @Override
    public String toString() {
        return text;
    }
}
