package io.bulwark.monitoring;

import java.util.List;
import java.util.Objects;

/**
 * Bulwark's state now, for a health check or gauges: {@link io.bulwark.Bulwark#status()}.
 *
 * <pre>{@code
 * BulwarkStatus status = Bulwark.status();
 * if (!status.healthy()) {
 *     log.warn("Bulwark: {}", status.stores());      // [StoreStatus[store=REDIS, available=false, detail=...], ...]
 * }
 * }</pre>
 *
 * @param agentActive       whether the agent runs in this JVM; without it nothing is guarded and nothing else here
 *                          means anything
 * @param stores            the stores in use: the rate-limit store ({@link Store#MEMORY} or {@link Store#REDIS}), the
 *                          audit journal, and PostgreSQL when {@code bulwark.jdbc.url} is set
 * @param auditBacklog      audit events captured and not yet in their final store: PostgreSQL when configured, else
 *                          the journal
 * @param journalUsableBytes bytes the journal's file system has left for this JVM, or -1 when unknown
 */
public record BulwarkStatus(boolean agentActive, List<StoreStatus> stores, long auditBacklog,
        long journalUsableBytes) {

    public BulwarkStatus {
        stores = List.copyOf(stores);
    }

    /**
     * One store's state.
     *
     * @param available whether it answers now (for Redis: the circuit breaker is closed)
     * @param detail    a few words: {@code up}, or why not (as in Bulwark's log: no secrets)
     */
    public record StoreStatus(Store store, boolean available, String detail) {
        public StoreStatus {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The status of a JVM without the agent. */
    public static BulwarkStatus inactive() {
        return new BulwarkStatus(false, List.of(), 0, -1);
    }

    /** Whether the agent runs and every store it uses answers. */
    public boolean healthy() {
        if (!agentActive) {
            return false;
        }
        for (StoreStatus s : stores) {
            if (!s.available()) {
                return false;
            }
        }
        return true;
    }

    /** The state of {@code store}, or null when it is not in use. */
    public StoreStatus store(Store store) {
        for (StoreStatus s : stores) {
            if (s.store() == store) {
                return s;
            }
        }
        return null;
    }
}
