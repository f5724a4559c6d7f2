package io.bulwark.runtime.audit.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void cleanTextIsReturnedAsIs() {
        String text = "curl/8.4 😀";
        assertSame(text, Text.clean(text, 100));
        assertNull(Text.clean(null, 100));
    }

    @Test
    void nulBecomesReplacementCharacter() {
        assertEquals("a\uFFFDb", Text.clean("a\u0000b", 100));
    }

    @Test
    void loneSurrogatesBecomeReplacementCharactersAndPairsStay() {
        String cleaned = Text.clean("x\uD800y\uDC00z😀", 100);
        assertEquals("x\uFFFDy\uFFFDz😀", cleaned);
        // What UTF-8 (and so PostgreSQL) can carry: the round trip is lossless.
        assertEquals(cleaned, new String(cleaned.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void longTextIsCutWithoutSplittingAPairAndSaysHowMuchWentMissing() {
        String cleaned = Text.clean("abc😀def", 4);
        assertEquals("abc…[5 more characters]", cleaned);
    }

    @Test
    void aMegabyteOfTextIsCutToTheCap() {
        String huge = "x".repeat(1 << 20);
        String cleaned = Text.clean(huge, 512);
        assertTrue(cleaned.startsWith("x".repeat(512) + "…["), cleaned.substring(500, 530));
        assertTrue(cleaned.length() < 600);
    }
}
