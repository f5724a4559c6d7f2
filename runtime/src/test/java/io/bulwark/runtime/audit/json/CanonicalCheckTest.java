package io.bulwark.runtime.audit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalCheckTest {

    private static final String[] KEYS = {"a", "b", "aa", "ab", "id", "email", "password", "é", "a\\u0041", "k\\n"};
    private static final String[] STRINGS = {"", "x", "alice@example.com", "é", "\\\"", "\\\\", "\\n", "\\u001f",
        "\\u001F", "\\u0000", "\\u0009", "\\u00e9", "\\/", "/", "\uD83D\uDE00", "\\uD83D\\uDE00", "\uFFFD", "\u007F"};
    private static final String[] NUMBERS = {"0", "1", "-1", "10", "1.50", "0.0", "-0", "-0.0", "-0.01", "01", "1.",
        ".5", "1e2", "1E+2", "-12.5e1", "123456789012345678901234567890", "0.0000001"};

    /** A yes from the check is a text the full parse gives back unchanged, on 100,000 generated texts. */
    @Test
    void saysCanonicalOnlyOfTextsTheFullParseKeepsAsTheyAre() {
        Random random = new Random(14);
        int canonical = 0;
        for (int i = 0; i < 100_000; i++) {
            String json = value(random, 0);
            String reparsed;
            try {
                reparsed = CanonicalJson.reparse(json);
            } catch (IllegalArgumentException notJson) {
                assertFalse(CanonicalCheck.isCanonical(json), json);
                continue;
            }
            if (CanonicalCheck.isCanonical(json)) {
                canonical++;
                assertEquals(reparsed, json, "taken as canonical: " + json);
            }
            // The canonical form itself is recognised unless it has a key with an escape or outside ASCII.
            if (!reparsed.contains("\\") && reparsed.chars().allMatch(c -> c < 0x80)) {
                assertTrue(CanonicalCheck.isCanonical(reparsed), reparsed);
            }
            assertEquals(reparsed, CanonicalJson.canonical(json));
        }
        // Both answers are exercised, not one of them alone.
        assertTrue(canonical > 10_000 && canonical < 90_000, canonical + " canonical");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"email\":\"alice@example.com\",\"password\":\"***\"}", "[]", "{}", "\"a\\u001fb\"",
        "[1,-2.50,true,false,null]", "{\"b\":1,\"aa\":{\"x\":[{}]}}"})
    void whatTheCaptureWritesIsKeptAsItIs(String json) {
        assertTrue(CanonicalCheck.isCanonical(json));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"aa\":1,\"b\":2}", "{\"a\":1,\"a\":2}", "{ \"a\":1}", "[1 ]", "-0", "1e2", "01",
        "\"\\u0041\"", "\"\\/\"", "\"\\u000a\"", "{\"é\":1}", "[1,]", "{\"a\":1,}", "\"abc", "tru", ""})
    void anythingTheFullParseWouldChangeOrRefuseIsLeftToIt(String json) {
        assertFalse(CanonicalCheck.isCanonical(json));
    }

    private static String value(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 4 : 7);
        return switch (kind) {
            case 0 -> pick(random, STRINGS, "\"", "\"");
            case 1 -> NUMBERS[random.nextInt(NUMBERS.length)];
            case 2 -> new String[] {"true", "false", "null", "nul"}[random.nextInt(4)];
            case 3 -> random.nextInt(50) == 0 ? "" : pick(random, STRINGS, "\"", "");
            case 4, 5 -> object(random, depth);
            default -> array(random, depth);
        };
    }

    private static String object(Random random, int depth) {
        StringBuilder out = new StringBuilder("{").append(space(random));
        int n = random.nextInt(4);
        String[] keys = random.nextInt(3) == 0 ? KEYS : new String[] {"a", "b", "aa", "ab", "email", "password"};
        int from = random.nextInt(keys.length);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',').append(space(random));
            }
            // Mostly in order (walking the list), sometimes not, sometimes the same key twice.
            String key = keys[random.nextInt(4) == 0 ? random.nextInt(keys.length) : (from + i) % keys.length];
            out.append('"').append(key).append('"').append(space(random)).append(':').append(value(random, depth + 1));
        }
        return out.append(space(random)).append(random.nextInt(40) == 0 ? ",}" : "}").toString();
    }

    private static String array(Random random, int depth) {
        StringBuilder out = new StringBuilder("[");
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(',').append(space(random));
            }
            out.append(value(random, depth + 1));
        }
        return out.append(']').toString();
    }

    private static String pick(Random random, String[] from, String open, String close) {
        return open + from[random.nextInt(from.length)] + (random.nextBoolean() ? from[random.nextInt(from.length)]
                : "") + close;
    }

    private static String space(Random random) {
        return random.nextInt(10) == 0 ? " " : "";
    }
}
