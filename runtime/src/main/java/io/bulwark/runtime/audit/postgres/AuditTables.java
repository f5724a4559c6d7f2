package io.bulwark.runtime.audit.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Creates (or migrates) Bulwark's audit tables in the connection's schema, with this month's partitions and the next
 * ones, as the shipper does on its first connection: for a team that creates its tables ahead of deployment, and for
 * tools that need the same tables.
 */
public final class AuditTables {

    private AuditTables() {
    }

    /** Commits. */
    public static void prepare(Connection c) throws SQLException {
        Schema.migrate(c);
        Partitions.ensureAhead(c, Instant.now());
    }
}
