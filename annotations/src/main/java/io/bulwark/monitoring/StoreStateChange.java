package io.bulwark.monitoring;

import java.util.Objects;

/**
 * A store went away or came back: given once per change, never per call. While Redis is away, each policy follows
 * its {@code onStoreFailure}; while PostgreSQL is away, audit events wait in the journal; while the journal cannot be
 * written, audited calls are refused.
 *
 * @param store     which
 * @param available whether it answers now
 * @param reason    why it is not (as in Bulwark's log: no secrets), or null when it is back
 */
public record StoreStateChange(Store store, boolean available, String reason) {

    public StoreStateChange {
        Objects.requireNonNull(store, "store");
    }
}
