package io.bulwark.runtime.ratelimit;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the in-memory engine may hold, in bytes ({@code bulwark.ratelimit.max-memory}) and in keys
 * ({@code bulwark.ratelimit.max-keys}), and who gets it when it runs short.
 *
 * <p>Half of each bound is reserved, in equal shares, for the policies ({@code max / (2 × policies)} each); the other
 * half is first come, first served. A policy may always grow within its own share, and beyond it only into room that
 * no other policy's unused share needs. So a policy flooded with new keys (a per-IP limit under a spoofing flood, a
 * per-email lockout fed random emails) fills the common half and its share, and then only its own new keys are
 * refused: every other policy still has its share for its own new keys. With one policy it may use everything.
 *
 * <p>Sizes are estimates of what a cell costs on a 64-bit JVM with compressed pointers (the map's entry, the key's
 * String and array, the cell and its arrays), on the high side. Concurrent reservations can overshoot a bound by at
 * most one cell per racing thread.
 */
final class MemoryBudget {

    /** A map entry (32), its slot in the table (8, with the table at most half full) and the key's String (24). */
    static final long ENTRY_BYTES = 64;

    private final long maxBytes;
    private final long maxKeys;
    private final List<MemoryLimit> policies;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong keys = new AtomicLong();

    MemoryBudget(long maxBytes, long maxKeys, List<MemoryLimit> policies) {
        this.maxBytes = maxBytes;
        this.maxKeys = maxKeys;
        this.policies = policies;
    }

    /** What a key of {@code length} characters costs beside its cell: entry, String and its array (UTF-16 at worst). */
    static long keyBytes(int length) {
        return ENTRY_BYTES + align(16 + 2L * length);
    }

    static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }

    /** Takes {@code bytes} (and {@code newKeys}) for {@code limit}'s policy; false, taking nothing, when it may not. */
    boolean reserve(MemoryLimit limit, long bytes, int newKeys) {
        long total = this.bytes.addAndGet(bytes);
        long totalKeys = this.keys.addAndGet(newKeys);
        long mine = limit.bytes.addAndGet(bytes);
        long myKeys = limit.keys.addAndGet(newKeys);
        if (fits(limit, total, totalKeys, mine, myKeys)) {
            return true;
        }
        release(limit, bytes, newKeys);
        return false;
    }

    void release(MemoryLimit limit, long bytes, int keys) {
        this.bytes.addAndGet(-bytes);
        this.keys.addAndGet(-keys);
        limit.bytes.addAndGet(-bytes);
        limit.keys.addAndGet(-keys);
    }

    private boolean fits(MemoryLimit limit, long total, long totalKeys, long mine, long myKeys) {
        if (total <= maxBytes / 2 && totalKeys <= maxKeys / 2) {
            // Within the common half: every policy's share is still free.
            return true;
        }
        int n = Math.max(1, policies.size());
        long shareBytes = maxBytes / (2L * n);
        long shareKeys = maxKeys / (2L * n);
        if (mine <= shareBytes && myKeys <= shareKeys) {
            return true;
        }
        long freeBytes = 0;
        long freeKeys = 0;
        for (MemoryLimit other : policies) {
            if (other != limit) {
                freeBytes += Math.max(0, shareBytes - other.bytes.get());
                freeKeys += Math.max(0, shareKeys - other.keys.get());
            }
        }
        return total <= maxBytes - freeBytes && totalKeys <= maxKeys - freeKeys;
    }

    long bytes() {
        return bytes.get();
    }

    long keys() {
        return keys.get();
    }

    long maxBytes() {
        return maxBytes;
    }

    long maxKeys() {
        return maxKeys;
    }
}
