package io.bulwark.runtime.audit.chain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.runtime.audit.AuditEvent;
import io.bulwark.runtime.audit.Events;
import io.bulwark.runtime.audit.Status;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final ChainKey.Seal SEAL = ChainKey.of("a chain key of at least 32 bytes..".getBytes(
            java.nio.charset.StandardCharsets.US_ASCII)).seal();

    private static final UUID WRITER = UUID.fromString("01a2032a-eb3e-786e-b194-d4224b72837e");

    @Test
    void anEventDecodesToItself() {
        AuditEvent event = Events.login(1);
        EventCodec.Decoded decoded = EventCodec.decode(EventCodec.encode(WRITER, 7, event));
        assertEquals(WRITER, decoded.writer());
        assertEquals(7, decoded.seq());
        assertEquals(event, decoded.event());
    }

    @Test
    void nullsAndEmptyTextsAreDistinct() {
        AuditEvent event = new AuditEvent(UUID.randomUUID(), 1, null, "", null, List.of(), "a.b", null, "", null, null,
                null, null, null, Status.DENIED, "", 0);
        assertEquals(event, EventCodec.decode(EventCodec.encode(WRITER, 1, event)).event());
    }

    @Test
    void everyFieldChangesTheHash() {
        AuditEvent e = Events.login(1);
        List<AuditEvent> variants = List.of(e,
                new AuditEvent(UUID.randomUUID(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros() + 1, e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), List.of("admin"),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), "{\"args\":{}}", e.ipAddress(),
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), "203.0.113.10",
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                        e.userAgent(), e.requestId(), Status.FAILURE, e.errorMessage(), e.durationMicros()),
                new AuditEvent(e.id(), e.occurredAtMicros(), e.orgId(), e.userId(), e.userEmail(), e.roles(),
                        e.action(), e.resourceType(), e.resourceId(), e.resourceName(), e.changes(), e.ipAddress(),
                        e.userAgent(), e.requestId(), e.status(), e.errorMessage(), e.durationMicros() + 1));
        Set<String> hashes = new HashSet<>();
        for (AuditEvent variant : variants) {
            hashes.add(Arrays.toString(SEAL.seal(WRITER, 1, EventCodec.genesis(), variant).hash()));
        }
        assertEquals(variants.size(), hashes.size());
    }

    @Test
    void theHashCoversTheWriterTheNumberAndThePreviousHash() {
        AuditEvent e = Events.login(1);
        byte[] base = SEAL.seal(WRITER, 1, EventCodec.genesis(), e).hash();
        assertNotEquals(Arrays.toString(base), Arrays.toString(SEAL.seal(UUID.randomUUID(), 1,
                EventCodec.genesis(), e).hash()));
        assertNotEquals(Arrays.toString(base), Arrays.toString(SEAL.seal(WRITER, 2, EventCodec.genesis(), e)
                .hash()));
        assertNotEquals(Arrays.toString(base), Arrays.toString(SEAL.seal(WRITER, 1, base, e).hash()));
    }

    @Test
    void intactSaysWhetherTheContentsStillHashToTheStoredHash() {
        SealedEvent sealed = SEAL.seal(WRITER, 3, EventCodec.genesis(), Events.login(1));
        assertTrue(SEAL.intact(sealed));
        SealedEvent altered = new SealedEvent(WRITER, 3, sealed.prevHash(), sealed.hash(), Events.login(2));
        assertFalse(SEAL.intact(altered));
        assertArrayEquals(sealed.hash(), SEAL.hash(sealed.prevHash(), EventCodec.encode(WRITER, 3,
                sealed.event())));
    }

    @Test
    void theHashIsKeyedSoThatWithoutTheKeyNoOneCanSealAnEvent() {
        SealedEvent sealed = SEAL.seal(WRITER, 3, EventCodec.genesis(), Events.login(1));
        ChainKey other = ChainKey.of(new byte[32]);
        assertFalse(other.seal().intact(sealed));
        // Neither does the unkeyed SHA-256 of the chain before it was keyed, which anyone can compute.
        assertFalse(EventCodec.intactUnkeyed(sealed));
        SealedEvent forged = new SealedEvent(WRITER, 3, sealed.prevHash(), EventCodec.unkeyedHash(sealed.prevHash(),
                EventCodec.encode(WRITER, 3, sealed.event())), sealed.event());
        assertTrue(EventCodec.intactUnkeyed(forged));
        assertFalse(SEAL.intact(forged));
    }

    @Test
    void garbageIsRefusedNotMisread() {
        byte[] encoded = EventCodec.encode(WRITER, 1, Events.login(1));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(Arrays.copyOf(encoded, 40)));
        byte[] longer = Arrays.copyOf(encoded, encoded.length + 1);
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(longer));
        encoded[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(encoded));
    }
}
