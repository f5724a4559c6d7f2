package io.bulwark.runtime.audit.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanonicalJsonTest {

    @Test
    void keysFollowJsonbOrderShorterFirstThenByBytes() {
        assertEquals("{\"b\":1,\"aa\":2,\"ab\":3,\"é\":4}",
                CanonicalJson.canonical("{\"ab\":3,\"é\":4,\"aa\":2,\"b\":1}"));
    }

    @Test
    void whitespaceGoesAndNestedValuesAreCanonicalToo() {
        assertEquals("{\"a\":[1,{\"y\":true,\"xx\":null}]}",
                CanonicalJson.canonical(" { \"a\" : [ 1 , { \"xx\" : null , \"y\" : true } ] } "));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"1|1", "-0|0", "1.50|1.50", "1e2|100", "1E+2|100", "1.0E-7|0.00000010",
        "-12.5e1|-125", "0.0|0.0", "-0.00|0.00"})
    void numbersAsPostgresNumericPrintsThem(String in, String out) {
        assertEquals(out, CanonicalJson.canonical(in));
    }

    @Test
    void escapesAsJsonbWritesThemAndDecodesEscapesItDoesNotWrite() {
        assertEquals("\"a\\\"b\\\\c\\nd\\u001fé/\"", CanonicalJson.canonical("\"a\\\"b\\\\c\\nd\\u001f\\u00e9\\/\""));
    }

    @Test
    void theLastOfDuplicateKeysIsKeptAsJsonbKeepsIt() {
        assertEquals("{\"a\":2}", CanonicalJson.canonical("{\"a\":1,\"a\":2}"));
    }

    @Test
    void canonicalFormIsAFixedPoint() {
        String once = CanonicalJson.canonical("{\"z\":[1.0,2e3,\"x\"],\"a\":{\"k\":\"v\"}}");
        assertEquals(once, CanonicalJson.canonical(once));
    }

    @Test
    void anythingElseIsRefusedSayingWhere() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CanonicalJson.canonical("{\"a\":}"));
        assertEquals("not JSON: unexpected '}' at offset 5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.canonical("[1,2"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.canonical("1e999999999"));
        assertThrows(IllegalArgumentException.class, () -> CanonicalJson.canonical("[".repeat(100) + "]".repeat(100)));
    }
}
