package io.bulwark.runtime.audit.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates and migrates Bulwark's audit tables in the connection's schema (its {@code search_path}; set
 * {@code currentSchema} in the JDBC URL to choose another). Several JVMs may start at once: migration runs under a
 * transaction-scoped advisory lock, and each step is recorded in {@code bulwark_schema}.
 *
 * <p>{@code audit_logs} is range-partitioned by month on {@code occurred_at} (UTC months); its primary key includes
 * the partition key, as PostgreSQL requires. The chain columns ({@code writer_id}, {@code seq}, {@code prev_hash},
 * {@code hash}) make it tamper-evident; {@code audit_writers} keeps each writer's newest event, so that rows deleted
 * from the end of a chain are found too; {@code audit_rejects} holds events PostgreSQL refused, with the reason;
 * {@code audit_retention} records what dropping old partitions removed, signed under the chain key, so the verifier
 * can tell it from deletion (version 2 added the signature).
 */
final class Schema {

    static final int VERSION = 2;
    /**
     * The advisory lock Bulwark's schema changes take: any constant will do, as long as it is Bulwark's ("BULWARK").
     */
    static final long LOCK = 0x42554C5741524BL;

    private static final List<String> V1 = List.of(
            """
            CREATE TABLE IF NOT EXISTS audit_logs (
                id            uuid        NOT NULL,
                occurred_at   timestamptz NOT NULL,
                org_id        text,
                user_id       text,
                user_email    text,
                user_roles    text[]      NOT NULL DEFAULT '{}',
                action        text        NOT NULL,
                resource_type text,
                resource_id   text,
                resource_name text,
                changes       jsonb,
                ip_address    inet,
                user_agent    text,
                request_id    text,
                status        text        NOT NULL CHECK (status IN ('success', 'failure', 'denied')),
                error_message text,
                duration_us   bigint      NOT NULL,
                writer_id     uuid        NOT NULL,
                seq           bigint      NOT NULL,
                prev_hash     bytea       NOT NULL,
                hash          bytea       NOT NULL,
                PRIMARY KEY (id, occurred_at)
            ) PARTITION BY RANGE (occurred_at)""",
            "CREATE INDEX IF NOT EXISTS audit_logs_org_time ON audit_logs (org_id, occurred_at DESC)",
            "CREATE INDEX IF NOT EXISTS audit_logs_resource_time ON audit_logs (resource_type, resource_id, "
                    + "occurred_at DESC)",
            """
            CREATE TABLE IF NOT EXISTS audit_writers (
                writer_id  uuid        PRIMARY KEY,
                last_seq   bigint      NOT NULL,
                last_hash  bytea       NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now()
            )""",
            """
            CREATE TABLE IF NOT EXISTS audit_rejects (
                writer_id   uuid        NOT NULL,
                seq         bigint      NOT NULL,
                id          uuid        NOT NULL,
                record      bytea       NOT NULL,
                reason      text        NOT NULL,
                rejected_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (writer_id, seq)
            )""",
            """
            CREATE TABLE IF NOT EXISTS audit_retention (
                writer_id      uuid        NOT NULL,
                partition_name text        NOT NULL,
                max_seq        bigint      NOT NULL,
                dropped_at     timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (writer_id, partition_name)
            )""");

    /**
     * Version 2: the chain is keyed, and a retention record counts only when signed under the chain key by the
     * instance that dropped the partition (a row anyone with the database could insert excused deletions anywhere);
     * it says how many of a writer's events went, and which numbers, so that it excuses those and no others.
     */
    private static final List<String> V2 = List.of(
            "ALTER TABLE audit_retention ADD COLUMN IF NOT EXISTS min_seq bigint",
            "ALTER TABLE audit_retention ADD COLUMN IF NOT EXISTS event_count bigint",
            "ALTER TABLE audit_retention ADD COLUMN IF NOT EXISTS retention_seconds bigint",
            "ALTER TABLE audit_retention ADD COLUMN IF NOT EXISTS key_id text",
            "ALTER TABLE audit_retention ADD COLUMN IF NOT EXISTS signature bytea");

    private Schema() {
    }

    /**
     * Brings the schema to {@link #VERSION}.
     *
     * @throws SQLException also when the database holds a newer version than this Bulwark knows
     */
    static void migrate(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute("CREATE TABLE IF NOT EXISTS bulwark_schema (component text PRIMARY KEY, "
                    + "version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())");
            int current = 0;
            try (ResultSet r = s.executeQuery("SELECT version FROM bulwark_schema WHERE component = 'audit'")) {
                if (r.next()) {
                    current = r.getInt(1);
                }
            }
            if (current > VERSION) {
                c.rollback();
                throw new SQLException("the audit schema is at version " + current + ", newer than this Bulwark "
                        + "knows (" + VERSION + "): upgrade Bulwark", "BWK01");
            }
            if (current < 1) {
                for (String ddl : V1) {
                    s.execute(ddl);
                }
            }
            if (current < 2) {
                for (String ddl : V2) {
                    s.execute(ddl);
                }
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO bulwark_schema (component, version) VALUES "
                    + "('audit', ?) ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, "
                    + "migrated_at = now()")) {
                p.setInt(1, VERSION);
                p.executeUpdate();
            }
        }
        c.commit();
    }
}
