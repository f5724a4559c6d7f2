package io.bulwark.runtime.audit.capture;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits, so that ids sort by time and index well.
 *
 * <p>The random bits come from {@link ThreadLocalRandom} mixed with a per-JVM value from {@link SecureRandom}: an id
 * is not a secret, it only has to be unique, and a {@code SecureRandom} call per audited call would cost more than
 * the rest of the capture (and contend on its lock). Two JVMs seeded alike still differ by the per-JVM value.
 */
public final class UuidV7 {

    private static final long JVM = new SecureRandom().nextLong();

    private UuidV7() {
    }

    public static UUID next(long epochMillis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() ^ JVM) & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    /** The milliseconds a v7 id carries. */
    public static long millis(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }
}
