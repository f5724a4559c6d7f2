package io.bulwark.runtime.twofactor.crypto;

/** A string's UTF-16 code units, two bytes each: lossless, where UTF-8 turns every lone surrogate into '?'. */
final class Utf16 {

    private Utf16() {
    }

    static byte[] bytes(String s) {
        byte[] bytes = new byte[s.length() * 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes[2 * i] = (byte) (c >> 8);
            bytes[2 * i + 1] = (byte) c;
        }
        return bytes;
    }
}
