package io.bulwark.runtime.audit.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UuidV7Test {

    @Test
    void carriesVersionSevenTheRfcVariantAndItsMilliseconds() {
        long millis = 1_795_349_474_136L;
        UUID id = UuidV7.next(millis);
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(millis, UuidV7.millis(id));
    }

    @Test
    void idsOfOneMillisecondAreDistinct() {
        Set<UUID> ids = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            ids.add(UuidV7.next(42));
        }
        assertEquals(200_000, ids.size());
    }

    @Test
    void idsSortByTime() {
        UUID earlier = UuidV7.next(1_000);
        UUID later = UuidV7.next(1_001);
        assertEquals(-1, Long.compareUnsigned(earlier.getMostSignificantBits(), later.getMostSignificantBits()));
    }
}
