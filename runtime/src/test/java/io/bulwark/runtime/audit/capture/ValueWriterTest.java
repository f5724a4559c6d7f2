package io.bulwark.runtime.audit.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.Redact;
import io.bulwark.runtime.audit.json.CanonicalJson;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ValueWriterTest {

    private static final Redactor REDACTOR = new Redactor(new byte[32]);

    enum Currency { EUR }

    record Card(String holder, @Redact(mode = Redact.Mode.HASH) String number, @Redact String cvc,
            @Redact(mode = Redact.Mode.DROP) String pin2) {
    }

    record Login(String email, String password, String apiKey, String tokenCount) {
    }

    record Transfer(String from, long cents, Currency currency, Card card, Optional<String> note) {
    }

    record Exploding(String name) {
        @Override
        public String name() {
            throw new IllegalStateException("no name for you");
        }
    }

    static final class Opaque {
        @Override
        public String toString() {
            throw new AssertionError("toString() of an arbitrary object must never be called");
        }
    }

    private static String capture(Object value) {
        return capture(value, 16_384);
    }

    private static String capture(Object value, int cap) {
        ValueWriter out = new ValueWriter(cap, REDACTOR);
        out.beginObject();
        out.member("v");
        out.value(value);
        String json = out.finish();
        // Whatever was captured is JSON the journal and PostgreSQL can take.
        CanonicalJson.canonical(json);
        return json;
    }

    @Test
    void recordsBecomeObjectsWithEachRedactionApplied() {
        String json = capture(new Transfer("A1", 1234, Currency.EUR,
                new Card("Ann", "4111111111111111", "123", "9876"), Optional.of("rent")));
        assertEquals("{\"v\":{\"from\":\"A1\",\"cents\":1234,\"currency\":\"EUR\",\"card\":{\"holder\":\"Ann\","
                + "\"number\":\"" + REDACTOR.hash("4111111111111111")
                + "\",\"cvc\":\"[redacted]\"},\"note\":\"rent\"}}",
                json);
        assertFalse(json.contains("4111"));
        assertFalse(json.contains("9876"));
    }

    @Test
    void componentsWhoseNamesLookSecretAreMaskedEvenWithoutRedact() {
        String json = capture(new Login("a@example.com", "hunter2", "k-123", "7"));
        assertEquals("{\"v\":{\"email\":\"a@example.com\",\"password\":\"[redacted]\",\"apiKey\":\"[redacted]\","
                + "\"tokenCount\":\"[redacted]\"}}", json);
    }

    @Test
    void hashIsKeyedSoEqualValuesMatchOnlyUnderTheSameKey() {
        Redactor other = new Redactor(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        assertEquals(REDACTOR.hash("4111"), REDACTOR.hash("4111"));
        assertNotEquals(REDACTOR.hash("4111"), other.hash("4111"));
        assertTrue(REDACTOR.hash("4111").matches("hmac:[A-Za-z0-9_-]{22}"));
    }

    @Test
    void arbitraryObjectsAreRecordedByTypeNeverByToString() {
        assertEquals("{\"v\":{\"_type\":\"" + Opaque.class.getName() + "\"}}", capture(new Opaque()));
        assertEquals("{\"v\":[{\"_type\":\"" + Opaque.class.getName() + "\"}]}", capture(List.of(new Opaque())));
    }

    @Test
    void charAndByteArraysGiveOnlyTheirLength() {
        assertEquals("{\"v\":{\"_chars\":7}}", capture("hunter2".toCharArray()));
        assertEquals("{\"v\":{\"_bytes\":3}}", capture(new byte[] {1, 2, 3}));
    }

    @Test
    void aUriLosesItsCredentialsAndQuery() {
        assertEquals("{\"v\":\"https://api.example.com:8443/v1/x?[query left out]\"}",
                capture(URI.create("https://bob:secret@api.example.com:8443/v1/x?token=abc#frag")));
    }

    @Test
    void jdkValuesAreThemselves() {
        UUID id = UUID.fromString("0b4d0c4e-0000-4000-8000-000000000001");
        assertEquals("{\"v\":[\"" + id + "\",\"2026-11-22T12:00:00Z\",1.5,\"NaN\",12.50,true,\"x\"]}",
                capture(Arrays.asList(id, Instant.parse("2026-11-22T12:00:00Z"), 1.5, Double.NaN,
                        new BigDecimal("12.50"), true, 'x')));
    }

    @Test
    void mapsKeepScalarKeysAndMaskSecretLookingOnes() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("name", "n");
        map.put("password", "p");
        map.put(7, "seven");
        map.put(new Opaque(), "unkeyable");
        assertEquals("{\"v\":{\"name\":\"n\",\"password\":\"[redacted]\",\"7\":\"seven\"}}", capture(map));
    }

    @Test
    void longCollectionsAndStringsAreCut() {
        List<Integer> many = IntStream.range(0, 1_000).boxed().toList();
        String json = capture(many);
        assertTrue(json.endsWith(",63,\"…[936 more]\"]}"), json);
        String huge = capture("y".repeat(1 << 20));
        assertTrue(huge.contains("…[1047552 more characters]"), huge.substring(huge.length() - 40));
        assertTrue(huge.length() < 1_200);
    }

    @Test
    void pastTheCapMembersAreLeftOutAndTheRecordSaysSo() {
        ValueWriter out = new ValueWriter(300, REDACTOR);
        out.beginObject();
        for (int i = 0; i < 100; i++) {
            out.member("m" + i);
            out.value("0123456789");
        }
        String json = out.finish();
        assertTrue(json.endsWith(",\"_truncated\":true}"), json);
        assertTrue(json.length() < 340, json);
        CanonicalJson.canonical(json);
    }

    @Test
    void anAccessorThatThrowsFailsTheCaptureNamingWhatWasThrownNotItsMessage() {
        CaptureFailedException failed = org.junit.jupiter.api.Assertions.assertThrows(CaptureFailedException.class,
                () -> capture(List.of(1, new Exploding("x"), 2)));
        assertEquals("java.lang.IllegalStateException", failed.thrownType());
    }

    @Test
    void aCollectionThatContainsItselfStopsAtTheDepthLimit() {
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        String json = capture(loop);
        assertTrue(json.contains("{\"_type\":\"java.util.ArrayList\"}"), json);
    }

    @Test
    void nulAndBrokenUtf16AreNeutralised() {
        assertEquals("{\"v\":\"a\uFFFDb\uFFFDc\"}", capture("a\u0000b\uD800c"));
    }

    @Test
    void aSinkLeavesOutEverythingInsideAMemberPastTheCap() {
        ValueWriter out = new ValueWriter(20, REDACTOR);
        out.beginObject();
        out.member("first");
        out.value("0123456789012345");
        out.member("second");
        out.beginObject();
        out.member("inner");
        out.value("x");
        out.endObject();
        out.member("third");
        out.redacted(Redact.Mode.MASK, null);
        assertEquals("{\"first\":\"0123456789012345\",\"_truncated\":true}", out.finish());
    }
}
