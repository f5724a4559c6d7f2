package io.bulwark.runtime.secrets;

/**
 * A string's UTF-16 code units, two bytes each, big-endian: what Bulwark hashes or authenticates user input as. Not
 * {@code getBytes(UTF_8)}: that turns every unpaired surrogate into '?', so two different inputs (two user ids, two
 * keys) would become one.
 */
public final class Utf16 {

    private Utf16() {
    }

    public static byte[] bytes(String s) {
        byte[] bytes = new byte[s.length() * 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            bytes[2 * i] = (byte) (c >> 8);
            bytes[2 * i + 1] = (byte) c;
        }
        return bytes;
    }
}
