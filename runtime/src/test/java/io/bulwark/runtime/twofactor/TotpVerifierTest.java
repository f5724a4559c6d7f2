package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TotpVerifierTest {

    private static final TotpParameters SIX = TotpParameters.DEFAULT;
    private static final TotpSecret SECRET = TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    private static final TotpGenerator GENERATOR = new TotpGenerator(SIX);
    /** A time in November 2023, 17 s into its step; any ordinary time would do. */
    private static final long STEP = 56_666_666;
    private static final Instant NOW = Instant.ofEpochSecond(STEP * 30 + 17);

    private static String codeOf(long step) {
        return GENERATOR.codeForStep(SECRET, step);
    }

    private static OptionalLong verify(int window, CharSequence code) {
        return new TotpVerifier(SIX, window).verify(SECRET, code, NOW);
    }

    @Test
    void acceptsCodeOfCurrentStepAndReturnsThatStep() {
        assertEquals(OptionalLong.of(STEP), verify(1, codeOf(STEP)));
        assertEquals(OptionalLong.of(STEP), verify(0, codeOf(STEP)));
    }

    @Test
    void acceptsCodeOfPreviousStepWithWindowOne() {
        assertEquals(OptionalLong.of(STEP - 1), verify(1, codeOf(STEP - 1)));
    }

    @Test
    void acceptsCodeOfNextStepWithWindowOne() {
        assertEquals(OptionalLong.of(STEP + 1), verify(1, codeOf(STEP + 1)));
    }

    @Test
    void refusesCodesTwoStepsAwayWithWindowOne() {
        assertEquals(OptionalLong.empty(), verify(1, codeOf(STEP - 2)));
        assertEquals(OptionalLong.empty(), verify(1, codeOf(STEP + 2)));
    }

    @Test
    void windowZeroAcceptsOnlyTheCurrentStep() {
        assertEquals(OptionalLong.empty(), verify(0, codeOf(STEP - 1)));
        assertEquals(OptionalLong.empty(), verify(0, codeOf(STEP + 1)));
    }

    @Test
    void stepBoundariesFollowTheClock() {
        TotpVerifier verifier = new TotpVerifier(SIX, 0);
        Instant first = SIX.stepStart(STEP);
        Instant last = first.plusSeconds(29).plusNanos(999_999_999);
        assertEquals(OptionalLong.of(STEP), verifier.verify(SECRET, codeOf(STEP), first));
        assertEquals(OptionalLong.of(STEP), verifier.verify(SECRET, codeOf(STEP), last));
        assertEquals(OptionalLong.empty(), verifier.verify(SECRET, codeOf(STEP), last.plusNanos(1)));
        assertEquals(OptionalLong.empty(), verifier.verify(SECRET, codeOf(STEP), first.minusNanos(1)));
    }

    @Test
    void acceptsCodesWithLeadingZeros() {
        // Step 56666824's code is 000101 (found by scanning the steps after STEP).
        long step = 56_666_824;
        assertEquals("000101", codeOf(step));
        assertEquals(OptionalLong.of(step), new TotpVerifier(SIX, 1).verify(SECRET, "000101", SIX.stepStart(step)));
    }

    @Test
    void treatsAllZerosAsAWellFormedCode() {
        assertArrayEquals("000000".getBytes(StandardCharsets.US_ASCII), TotpVerifier.parse("000000", 6));
        assertArrayEquals("00000000".getBytes(StandardCharsets.US_ASCII), TotpVerifier.parse("00000000", 8));
    }

    @Test
    void returnsTheLatestStepWhenTwoStepsOfTheWindowShareACode() {
        // Steps 57017782 and 57017784 both have the code 882938 (found by scanning); at step 57017783 both are in the
        // window. The later one is returned, so that recording it refuses the same code as a later step's code.
        long middle = 57_017_783;
        assertEquals("882938", codeOf(middle - 1));
        assertEquals("882938", codeOf(middle + 1));
        assertTrue(!codeOf(middle).equals("882938"));
        TotpVerifier verifier = new TotpVerifier(SIX, 1);
        assertEquals(OptionalLong.of(middle + 1), verifier.verify(SECRET, "882938", SIX.stepStart(middle)));
    }

    @Test
    void refusesAWrongCode() {
        String right = codeOf(STEP);
        String wrong = String.format("%06d", (Integer.parseInt(right) + 1) % 1_000_000);
        assertEquals(OptionalLong.empty(), verify(1, wrong));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "+12345", "-12345", "12 345", " 12345", "12345 ", "123456\n",
            "12345a", "12.345", "1e5000",
            "\u0660\u0661\u0662\u0663\u0664\u0665",   // Arabic-Indic digits
            "\uff11\uff12\uff13\uff14\uff15\uff16",   // fullwidth digits
            "\u0967\u0968\u0969\u096a\u096b\u096c",   // Devanagari digits
            "12345\u00b9",                            // superscript one
    })
    void refusesMalformedCodes(String code) {
        assertNull(TotpVerifier.parse(code, 6));
        assertEquals(OptionalLong.empty(), verify(1, code));
    }

    @Test
    void refusesTheRightDigitsInAnotherScript() {
        String right = codeOf(STEP);
        StringBuilder fullwidth = new StringBuilder();
        right.chars().forEach(c -> fullwidth.append((char) ('\uff10' + c - '0')));
        assertEquals(OptionalLong.of(STEP), verify(1, right));
        assertEquals(OptionalLong.empty(), verify(1, fullwidth));
    }

    @Test
    void refusesNull() {
        assertEquals(OptionalLong.empty(), verify(1, null));
    }

    @Test
    void refusesAnEightDigitCodeWhenSixAreExpected() {
        TotpGenerator eight = new TotpGenerator(new TotpParameters(TotpAlgorithm.SHA1, 8, 30));
        assertEquals(OptionalLong.empty(), verify(1, eight.codeForStep(SECRET, STEP)));
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
        assertEquals(OptionalLong.empty(), verify(1, huge));
    }

    @Test
    void acceptsAnyCharSequence() {
        assertEquals(OptionalLong.of(STEP), verify(1, new StringBuilder(codeOf(STEP))));
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 2, 3, 10})
    void refusesAWindowOtherThanZeroOrOne(int window) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TotpVerifier(SIX, window));
        assertEquals("TOTP window must be 0 or 1 steps, was " + window, e.getMessage());
    }

    @Test
    void refusesAClockBeforeTheEpoch() {
        TotpVerifier verifier = new TotpVerifier(SIX, 1);
        assertThrows(IllegalArgumentException.class,
                () -> verifier.verify(SECRET, "123456", Instant.ofEpochSecond(-1)));
    }

    @Test
    void doesNotLookBeforeStepZero() {
        TotpVerifier verifier = new TotpVerifier(SIX, 1);
        assertEquals(OptionalLong.of(0), verifier.verify(SECRET, codeOf(0), Instant.EPOCH));
        assertEquals(OptionalLong.of(1), verifier.verify(SECRET, codeOf(1), Instant.EPOCH));
    }

    @Test
    void acceptsEveryStepsCodeAtItsOwnTime() {
        TotpVerifier verifier = new TotpVerifier(SIX, 0);
        IntStream.range(0, 200).forEach(i -> {
            long step = STEP + i;
            assertEquals(OptionalLong.of(step), verifier.verify(SECRET, codeOf(step), SIX.stepStart(step)));
        });
    }

    @Test
    void refusesAnotherSecretsCode() {
        TotpSecret other = TotpSecret.of("09876543210987654321".getBytes(StandardCharsets.US_ASCII));
        assertEquals(OptionalLong.empty(), new TotpVerifier(SIX, 1).verify(other, codeOf(STEP), NOW));
    }

    @Test
    void refusesADestroyedSecret() {
        TotpSecret secret = TotpSecret.of(SECRET.bytes());
        secret.destroy();
        TotpVerifier verifier = new TotpVerifier(SIX, 1);
        assertThrows(IllegalStateException.class, () -> verifier.verify(secret, "123456", NOW));
    }
}
