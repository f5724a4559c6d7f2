package io.bulwark.internal;

/**
 * Parses a client address literal strictly (never a host name: nothing here may cause a DNS lookup, which
 * {@code InetAddress.getByName} would do for anything that is not a literal) and renders it in one canonical form, so
 * that the address hashed into the audit chain and the one PostgreSQL's {@code inet} gives back compare equal, and one
 * client is one {@code {caller.ip}} key however a proxy spelled its address. An IPv4-mapped IPv6 address is the IPv4
 * client it stands for. Anything else is not an address. Shared by the runtime and the web adapters. Not API.
 */
public final class IpAddresses {

    private static final int MAX_LENGTH = 64;

    private IpAddresses() {
    }

    /** The canonical text of {@code literal}, or null when it is not an IP address literal. */
    public static String canonical(String literal) {
        byte[] bytes = parse(literal);
        return bytes == null ? null : format(bytes);
    }

    /** 4 or 16 bytes, or null. Accepts {@code [v6]} and drops a zone ({@code fe80::1%eth0}). */
    public static byte[] parse(String literal) {
        if (literal == null || literal.isEmpty() || literal.length() > MAX_LENGTH) {
            return null;
        }
        String s = literal;
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        if (s.indexOf(':') < 0) {
            return ipv4(s);
        }
        byte[] v6 = ipv6(s);
        if (v6 != null && isMappedV4(v6)) {
            return new byte[] {v6[12], v6[13], v6[14], v6[15]};
        }
        return v6;
    }

    public static String format(byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "."
                    + (address[3] & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xFF) << 8 | address[2 * i + 1] & 0xFF;
        }
        // RFC 5952: the longest run of two or more zero groups, the first of equals, becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static boolean isMappedV4(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF;
    }

    private static byte[] ipv4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int i = 0;
        while (part < 4) {
            int start = i;
            int value = 0;
            while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 3) {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            // A leading zero ("010") reads as octal to some parsers and decimal to others: refused, not guessed.
            if (digits == 0 || value > 255 || digits > 1 && s.charAt(start) == '0') {
                return null;
            }
            out[part++] = (byte) value;
            if (part < 4) {
                if (i >= s.length() || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == s.length() ? out : null;
    }

    private static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        byte[] out = new byte[16];
        int[] head = new int[9];
        int[] tail = new int[9];
        byte[] v4 = null;
        String left = gap >= 0 ? s.substring(0, gap) : s;
        String right = gap >= 0 ? s.substring(gap + 2) : "";
        int headCount = groups(left, head);
        if (headCount < 0) {
            return null;
        }
        int tailCount = 0;
        String last = gap >= 0 ? right : left;
        int lastColon = last.lastIndexOf(':');
        String lastPart = last.substring(lastColon + 1);
        if (lastPart.indexOf('.') >= 0) {
            v4 = ipv4(lastPart);
            if (v4 == null) {
                return null;
            }
            if (gap >= 0) {
                right = lastColon < 0 ? "" : right.substring(0, lastColon);
            } else {
                headCount = groups(lastColon < 0 ? "" : left.substring(0, lastColon), head);
            }
        }
        if (gap >= 0) {
            tailCount = groups(right, tail);
            if (tailCount < 0) {
                return null;
            }
        }
        int total = headCount + tailCount + (v4 == null ? 0 : 2);
        if (gap < 0 ? total != 8 : total > 7) {
            return null;
        }
        for (int i = 0; i < headCount; i++) {
            out[2 * i] = (byte) (head[i] >> 8);
            out[2 * i + 1] = (byte) head[i];
        }
        int tailStart = 8 - tailCount - (v4 == null ? 0 : 2);
        for (int i = 0; i < tailCount; i++) {
            out[2 * (tailStart + i)] = (byte) (tail[i] >> 8);
            out[2 * (tailStart + i) + 1] = (byte) tail[i];
        }
        if (v4 != null) {
            System.arraycopy(v4, 0, out, 12, 4);
        }
        return out;
    }

    /** Colon-separated hex groups of 1-4 digits into {@code into}; their count, or -1 when malformed. */
    private static int groups(String s, int[] into) {
        if (s.isEmpty()) {
            return 0;
        }
        int count = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i == s.length() ? ':' : s.charAt(i);
            if (c == ':') {
                if (digits == 0 || count == 8) {
                    return -1;
                }
                into[count++] = value;
                value = 0;
                digits = 0;
                continue;
            }
            int d = Character.digit(c, 16);
            if (d < 0 || c > 'f' || ++digits > 4) {
                return -1;
            }
            value = value << 4 | d;
        }
        return count;
    }
}
