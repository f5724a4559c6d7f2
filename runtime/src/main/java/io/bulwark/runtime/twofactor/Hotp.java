package io.bulwark.runtime.twofactor;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;

/** RFC 4226 HOTP: an HMAC over the 8-byte big-endian counter, dynamically truncated to 31 bits, modulo 10^digits. */
final class Hotp {

    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
            100_000_000};

    private Hotp() {
    }

    /** A {@code Mac} keyed with {@code secret}; not thread-safe, so one per verification. */
    static Mac mac(TotpAlgorithm algorithm, TotpSecret secret) {
        try {
            Mac mac = Mac.getInstance(algorithm.jcaName());
            mac.init(secret.key(algorithm));
            return mac;
        } catch (GeneralSecurityException e) {
            // Every Java SE runtime must provide HmacSHA1 and HmacSHA256; HmacSHA512 is in every JDK we run on.
            throw new IllegalStateException("This JVM cannot compute " + algorithm.jcaName(), e);
        }
    }

    /** The code for {@code counter} as a number (leading zeros are lost: format with {@link #ascii}). */
    static int code(Mac mac, long counter, int digits) {
        byte[] message = new byte[8];
        for (int i = 7; i >= 0; i--) {
            message[i] = (byte) counter;
            counter >>>= 8;
        }
        byte[] hash = mac.doFinal(message);
        // Dynamic truncation (RFC 4226 §5.3): the low nibble of the last byte picks 4 bytes; RFC 6238 keeps the
        // same rule for SHA256 and SHA512, whose hashes are longer.
        int offset = hash[hash.length - 1] & 0x0f;
        int binary = (hash[offset] & 0x7f) << 24
                | (hash[offset + 1] & 0xff) << 16
                | (hash[offset + 2] & 0xff) << 8
                | (hash[offset + 3] & 0xff);
        return binary % POWERS_OF_TEN[digits];
    }

    /** {@code code} as exactly {@code digits} ASCII digits, zero-padded, into {@code into}. */
    static void ascii(int code, int digits, byte[] into) {
        for (int i = digits - 1; i >= 0; i--) {
            into[i] = (byte) ('0' + code % 10);
            code /= 10;
        }
    }
}
