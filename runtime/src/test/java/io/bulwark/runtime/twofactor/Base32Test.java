package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Base32Test {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static IllegalArgumentException refusal(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Base32.decode(text));
    }

    /** RFC 4648 §10, with the padding the RFC writes and without it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''       | ''",
        "f        | MY======",
        "fo       | MZXQ====",
        "foo      | MZXW6===",
        "foob     | MZXW6YQ=",
        "fooba    | MZXW6YTB",
        "foobar   | MZXW6YTBOI======",
    })
    void matchesRfc4648TestVectors(String data, String padded) {
        String unpadded = padded.replace("=", "");
        assertEquals(unpadded, Base32.encode(ascii(data)));
        assertArrayEquals(ascii(data), Base32.decode(padded));
        assertArrayEquals(ascii(data), Base32.decode(unpadded));
    }

    @Test
    void encodesWithoutPaddingInUpperCase() {
        assertEquals("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.encode(ascii("12345678901234567890")));
        assertEquals("MZXW6YQ", Base32.encode(ascii("foob")));
    }

    @Test
    void decodesWhatItEncodesForEveryLengthOfTheLastGroup() {
        Random random = new Random(42);
        for (int length = 0; length <= 70; length++) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            assertArrayEquals(data, Base32.decode(Base32.encode(data)), "length " + length);
        }
    }

    @Test
    void acceptsLowerAndMixedCase() {
        assertArrayEquals(ascii("foobar"), Base32.decode("mzxw6ytboi"));
        assertArrayEquals(ascii("foobar"), Base32.decode("MzXw6YtBoI======"));
    }

    @Test
    void refusesCharactersOutsideTheAlphabetNamingTheIndex() {
        for (String text : new String[] {"MZXW0YTB", "MZXW1YTB", "MZXW8YTB", "MZXW9YTB", "MZXW-YTB", "MZXW\u00c9YTB",
                "MZXW\uff2dYTB"}) {
            IllegalArgumentException e = refusal(text);
            assertTrue(e.getMessage().contains("index 4"), e.getMessage());
            assertTrue(e.getMessage().contains("A-Z"), e.getMessage());
        }
    }

    @Test
    void refusesSpacesAndLineBreaks() {
        assertTrue(refusal("MZXW 6YTB").getMessage().startsWith("Whitespace at index 4"));
        assertTrue(refusal("MZXW6YTB\n").getMessage().startsWith("Whitespace at index 8"));
        assertTrue(refusal(" MZXW6YTB").getMessage().startsWith("Whitespace at index 0"));
    }

    @Test
    void neverEchoesTheInputInItsMessage() {
        String secretish = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ0";
        IllegalArgumentException e = refusal(secretish);
        assertFalse(e.getMessage().contains("GEZDG"), e.getMessage());
        assertFalse(e.getMessage().contains("'0'"), e.getMessage());
        assertFalse(e.getMessage().contains("OJ0"), e.getMessage());
    }

    @Test
    void refusesLengthsNoEncoderWrites() {
        // 1, 3 or 6 characters in the last group of 8 carry fewer than a whole byte more than a shorter text.
        for (String text : new String[] {"M", "MZX", "MZXW6Y", "MZXW6YTBO", "MZXW6YTBOIA"}) {
            IllegalArgumentException e = refusal(text);
            assertTrue(e.getMessage().contains("no encoder writes 1, 3 or 6"), e.getMessage());
        }
    }

    @Test
    void refusesPaddingOfTheWrongLength() {
        assertTrue(refusal("MY=====").getMessage().contains("need exactly 6 or none"));
        assertTrue(refusal("MY=======").getMessage().contains("need exactly 6 or none"));
        assertTrue(refusal("MZXW6===" + "=").getMessage().contains("need exactly 3 or none"));
        assertTrue(refusal("MZXW6YQ==").getMessage().contains("need exactly 1 or none"));
        assertTrue(refusal("MZXW6YTB========").getMessage().contains("need exactly 0 or none"));
        assertTrue(refusal("========").getMessage().contains("padding at index 0"));
        assertTrue(refusal("MY=").getMessage().contains("padding at index 2"));
    }

    @Test
    void refusesPaddingBeforeTheEnd() {
        assertTrue(refusal("MY======MZXW6YQ=").getMessage().startsWith("Base32 padding '=' at index 2"));
    }

    @Test
    void refusesNonZeroUnusedBitsInTheLastCharacter() {
        // "MY" is "f": 01100 11000, the last 2 bits unused and zero. "MZ" sets one of them.
        assertArrayEquals(ascii("f"), Base32.decode("MY"));
        for (String text : new String[] {"MZ", "MZ======", "MZXR", "MZXW7", "MZXW6YR"}) {
            IllegalArgumentException e = refusal(text);
            assertTrue(e.getMessage().contains("non-zero unused bits"), text + ": " + e.getMessage());
            assertTrue(e.getMessage().contains("index " + (text.replace("=", "").length() - 1)), e.getMessage());
        }
    }

    @Test
    void decodesTheEmptyTextToNoBytes() {
        assertEquals(0, Base32.decode("").length);
    }
}
