package io.bulwark.runtime.twofactor;

import java.util.Arrays;
import java.util.Objects;

/**
 * RFC 4648 Base32 (the {@code A-Z 2-7} alphabet), the form in which authenticator apps take a TOTP secret.
 *
 * <pre>{@code
 * String text = Base32.encode(secretBytes);   // "GEZDGNBVGY3TQOJQ...", no padding
 * byte[] back = Base32.decode(text);          // strict: anything malformed is an IllegalArgumentException
 * }</pre>
 *
 * <p>The decoder is strict, so that a secret pasted with a typo fails at enrollment instead of silently becoming
 * another secret: it rejects characters outside the alphabet (spaces, line breaks and the digits {@code 0 1 8 9}
 * included), padding that is not exactly what the length calls for, lengths no encoder produces (1, 3 or 6
 * characters in the last group), and non-zero unused bits in the last character. Padding may be present (then
 * exactly right) or absent.
 *
 * <p><b>Case.</b> The decoder accepts lower case as well as upper case. RFC 4648 §6 designed this alphabet to be
 * used case-insensitively; apps show the secret in upper case, but users paste it from password managers and
 * other tools that lower-case it, and folding case cannot turn one valid secret into another. Folding is ASCII
 * only, never locale-dependent. The encoder always writes upper case.
 *
 * <p>Error messages name what was wrong and the index (0-based) but never echo the input: it is a secret.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    /** Padding characters a padded text carries for each count of data characters in its last group; -1: none. */
    private static final int[] PADDING = {0, -1, 6, -1, 4, 3, -1, 1};

    private Base32() {
    }

    /**
     * The Base32 text of {@code data}, upper case and without padding: the form of the {@code secret} parameter of
     * an otpauth URI (Google's Key-Uri-Format omits the padding).
     */
    public static String encode(byte[] data) {
        Objects.requireNonNull(data, "data");
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out.append(ALPHABET[(buffer >>> bits) & 31]);
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }

    /**
     * The bytes of a Base32 text, padded or not, in upper or lower case. The caller owns the array and should wipe
     * it ({@code Arrays.fill(bytes, (byte) 0)}) once the secret is stored.
     *
     * @throws IllegalArgumentException what is wrong and where, without the input
     */
    public static byte[] decode(CharSequence text) {
        Objects.requireNonNull(text, "text");
        int length = text.length();
        int dataLength = length;
        while (dataLength > 0 && text.charAt(dataLength - 1) == '=') {
            dataLength--;
        }
        int padding = length - dataLength;
        byte[] out = new byte[dataLength * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int o = 0;
        try {
            // Characters first: a stray space or line break is the likelier mistake, and its index the more useful
            // message, than the odd length it also causes.
            for (int i = 0; i < dataLength; i++) {
                buffer = (buffer << 5) | valueAt(text, i);
                bits += 5;
                if (bits >= 8) {
                    bits -= 8;
                    out[o++] = (byte) (buffer >>> bits);
                    buffer &= (1 << bits) - 1;
                }
            }
            int lastGroup = dataLength % 8;
            if (PADDING[lastGroup] < 0) {
                throw new IllegalArgumentException("Base32 text has " + dataLength + " data characters, which leaves "
                        + lastGroup + " in its last group of 8; no encoder writes 1, 3 or 6 (characters are missing"
                        + " or extra before index " + dataLength + ")");
            }
            if (padding > 0 && (length % 8 != 0 || padding != PADDING[lastGroup])) {
                throw new IllegalArgumentException("Base32 padding at index " + dataLength + " is " + padding
                        + " '=' characters; " + dataLength + " data characters need exactly " + PADDING[lastGroup]
                        + " or none");
            }
            if (buffer != 0) {
                // Encoders fill the unused low bits with zeros; other values would make several texts decode to the
                // same bytes, so a text with them was not written by an encoder (or was altered after).
                throw new IllegalArgumentException("Base32 character at index " + (dataLength - 1)
                        + " has non-zero unused bits; the last character is wrong or characters are missing");
            }
            return out;
        } catch (IllegalArgumentException e) {
            // What was decoded before the mistake is most of a secret.
            Arrays.fill(out, (byte) 0);
            throw e;
        }
    }

    private static int valueAt(CharSequence text, int index) {
        char c = text.charAt(index);
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= '2' && c <= '7') {
            return c - '2' + 26;
        }
        if (c == '=') {
            throw new IllegalArgumentException("Base32 padding '=' at index " + index + " is followed by data;"
                    + " padding may only end the text");
        }
        // Which character it was is not said: it is part of a secret. Whitespace is, since it is the usual mistake
        // (a secret copied as the app displays it, in groups of four) and reveals nothing.
        String what = Character.isWhitespace(c) || Character.isSpaceChar(c) ? "Whitespace" : "A character";
        throw new IllegalArgumentException(what + " at index " + index + " is not Base32; expected only A-Z"
                + " (or a-z) and 2-7");
    }
}
