package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecoveryCodesTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String FORMAT = "[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}";

    @Test
    void generatesTenGroupedCodesFromTheUnambiguousAlphabet() {
        List<String> codes = RecoveryCodes.generate(RANDOM);
        assertEquals(10, codes.size());
        for (String code : codes) {
            assertTrue(code.matches(FORMAT), code);
        }
        assertEquals(10, new HashSet<>(codes).size());
    }

    @Test
    void generatesTheRequestedNumberOfDistinctCodes() {
        assertEquals(1, RecoveryCodes.generate(1, RANDOM).size());
        List<String> codes = RecoveryCodes.generate(100, RANDOM);
        assertEquals(100, new HashSet<>(codes).size());
    }

    @Test
    void usesEveryOneOfTheThirtyTwoSymbols() {
        // 10,000 codes of 10 symbols: a symbol the generator never draws would be missing from 100,000 draws.
        HashSet<Character> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            for (String code : RecoveryCodes.generate(100, RANDOM)) {
                code.replace("-", "").chars().forEach(c -> seen.add((char) c));
            }
        }
        assertEquals(32, seen.size());
    }

    @Test
    void repeatsNoCodeEvenWhenTheRandomRepeats() {
        SecureRandom stuck = new SecureRandom() {
            private int calls;

            @Override
            public int nextInt(int bound) {
                // The first two codes come out identical, then every code differs.
                return calls++ < 20 ? 0 : (calls / 10) % bound;
            }
        };
        List<String> codes = RecoveryCodes.generate(3, stuck);
        assertEquals("00000-00000", codes.get(0));
        assertEquals(3, new HashSet<>(codes).size());
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 0, 101})
    void refusesACountOutsideOneToHundred(int count) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RecoveryCodes.generate(count, RANDOM));
        assertEquals("Recovery code count must be 1 to 100, was " + count, e.getMessage());
    }

    @Test
    void normalizesEveryGeneratedCodeToItsSymbols() {
        for (String code : RecoveryCodes.generate(RANDOM)) {
            assertEquals(Optional.of(code.replace("-", "")), RecoveryCodes.normalize(code));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"7k2mq-x9dra", "7K2MQ-X9DRA", "7k2mqx9dra", "7k2mq x9dra", " 7k2mq - x9dra ",
            "7-k-2-m-q-x-9-d-r-a", "7 k 2 m q x 9 d r a"})
    void normalizesDashesSpacesAndCase(String input) {
        assertEquals(Optional.of("7k2mqx9dra"), RecoveryCodes.normalize(input));
    }

    @Test
    void readsTheLettersTheAlphabetLeavesOutAsTheDigitsTheyResemble() {
        assertEquals(Optional.of("0011111000"), RecoveryCodes.normalize("oO1iIlL-0oO"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7k2mq-x9dr", "7k2mq-x9drab", "7k2mq_x9dra", "7k2mq\tx9dra", "7k2mq-x9dru",
            "7k2mq\u00a0x9dra", "\uff17k2mq-x9dra", "\u0667k2mq-x9dra", "7k2mq-x9dr\u0430", "7k2mq-x9dra\n"})
    void refusesAnythingElse(String input) {
        assertEquals(Optional.empty(), RecoveryCodes.normalize(input));
    }

    @Test
    void refusesNull() {
        assertEquals(Optional.empty(), RecoveryCodes.normalize(null));
    }

    @Test
    void refusesOverLongInputWithoutReadingIt() {
        CharSequence huge = new CharSequence() {
            @Override
            public int length() {
                return 1 << 20;
            }

            @Override
            public char charAt(int index) {
                throw new AssertionError("read character " + index + " of an over-long code");
            }

            @Override
            public CharSequence subSequence(int start, int end) {
                throw new AssertionError("read an over-long code");
            }
        };
        assertEquals(Optional.empty(), RecoveryCodes.normalize(huge));
        assertEquals(Optional.empty(), RecoveryCodes.normalize(" ".repeat(60) + "7k2mq-x9dra"));
    }
}
