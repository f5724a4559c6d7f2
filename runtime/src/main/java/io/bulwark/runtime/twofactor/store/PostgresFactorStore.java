package io.bulwark.runtime.twofactor.store;

import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.runtime.audit.postgres.Database;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.twofactor.crypto.SealedSecret;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Second factors in PostgreSQL's {@code user_security_settings} (created on first use in the connection's schema),
 * over a small pool of Bulwark's own. An update locks the user's row ({@code SELECT ... FOR UPDATE}) from the read
 * to the commit, so concurrent attempts in every instance of a service are decided one after the other.
 */
public final class PostgresFactorStore implements FactorStore {

    static final String TABLE = """
            CREATE TABLE IF NOT EXISTS user_security_settings (
                user_id              text        PRIMARY KEY,
                totp_secret          bytea,
                totp_key_id          text,
                totp_enrolled_at     timestamptz,
                pending_secret       bytea,
                pending_key_id       text,
                pending_since        timestamptz,
                totp_last_step       bigint      NOT NULL DEFAULT -1,
                failed_attempts      integer     NOT NULL DEFAULT 0,
                next_attempt_at      timestamptz,
                locked_at            timestamptz,
                recovery_key_id      text,
                recovery_code_hashes text[]      NOT NULL DEFAULT '{}',
                updated_at           timestamptz NOT NULL DEFAULT now()
            )""";
    /** Columns added by issue 16: the pending enrollment's counters, the generation and the row's seal. */
    static final String MIGRATE = """
            ALTER TABLE user_security_settings
                ADD COLUMN IF NOT EXISTS pending_failures        integer     NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS pending_next_attempt_at timestamptz,
                ADD COLUMN IF NOT EXISTS pending_locked_at       timestamptz,
                ADD COLUMN IF NOT EXISTS generation              bigint      NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS row_seal                text""";
    /** Bulwark's advisory lock for schema changes ("BULWARK2"), so JVMs starting together create the table once. */
    private static final long LOCK = 0x42554C5741524B32L;
    private static final String COLUMNS = "totp_secret, totp_key_id, totp_enrolled_at, pending_secret, pending_key_id, "
            + "pending_since, totp_last_step, failed_attempts, next_attempt_at, locked_at, recovery_key_id, "
            + "recovery_code_hashes, pending_failures, pending_next_attempt_at, pending_locked_at, generation, "
            + "row_seal";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM user_security_settings WHERE user_id = ?";
    private static final String INSERT = "INSERT INTO user_security_settings (" + COLUMNS + ", user_id) VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE = "UPDATE user_security_settings SET (" + COLUMNS + ", updated_at) = "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now()) WHERE user_id = ?";
    private static final String DELETE = "DELETE FROM user_security_settings WHERE user_id = ?";

    private final JdbcSettings jdbc;
    private final HikariDataSource pool;
    private volatile boolean schemaReady;

    public PostgresFactorStore(JdbcSettings jdbc) {
        this.jdbc = jdbc;
        this.pool = Database.pool(jdbc, "bulwark-2fa");
    }

    @Override
    public FactorRecord read(String user) throws FactorStoreException {
        try (Connection c = pool.getConnection()) {
            try {
                prepare(c);
                FactorRecord r = select(c, user, false);
                c.commit();
                return r;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    @Override
    public <T> T update(String user, Change<T> change) throws FactorStoreException {
        try (Connection c = pool.getConnection()) {
            prepare(c);
            for (int attempt = 0; ; attempt++) {
                try {
                    FactorRecord current = select(c, user, true);
                    Outcome<T> outcome = change.apply(current);
                    FactorRecord next = outcome.next();
                    if (next != current) {
                        if (next == null) {
                            execute(c, DELETE, user);
                        } else {
                            write(c, current == null ? INSERT : UPDATE, next);
                        }
                    }
                    c.commit();
                    return outcome.value();
                } catch (SQLException e) {
                    c.rollback();
                    // Two first writes for one user raced (nothing to lock yet): the loser reads the winner's row.
                    if (attempt == 0 && "23505".equals(e.getSQLState())) {
                        continue;
                    }
                    throw e;
                } catch (FactorStoreException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private FactorStoreException unavailable(SQLException e) {
        return new FactorStoreException("the second factor store in PostgreSQL at " + jdbc.safeUrl()
                + " cannot answer: [" + e.getSQLState() + "] " + e.getMessage(), e);
    }

    private void prepare(Connection c) throws SQLException {
        if (schemaReady) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK + ")");
            s.execute(TABLE);
            s.execute(MIGRATE);
        }
        c.commit();
        schemaReady = true;
    }

    private static FactorRecord select(Connection c, String user, boolean forUpdate) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(forUpdate ? SELECT + " FOR UPDATE" : SELECT)) {
            p.setString(1, user);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                Array hashes = r.getArray(12);
                return new FactorRecord(user,
                        sealed(r.getBytes(1), r.getString(2)), instant(r, 3),
                        sealed(r.getBytes(4), r.getString(5)), instant(r, 6),
                        r.getLong(7), r.getInt(8), instant(r, 9), instant(r, 10), r.getString(11),
                        hashes == null ? List.of() : Arrays.asList((String[]) hashes.getArray()),
                        r.getInt(13), instant(r, 14), instant(r, 15), r.getLong(16), r.getString(17));
            }
        }
    }

    private static void write(Connection c, String sql, FactorRecord r) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setBytes(1, r.active() == null ? null : r.active().blob());
            p.setString(2, r.active() == null ? null : r.active().keyId());
            p.setObject(3, offset(r.enrolledAt()));
            p.setBytes(4, r.pending() == null ? null : r.pending().blob());
            p.setString(5, r.pending() == null ? null : r.pending().keyId());
            p.setObject(6, offset(r.pendingSince()));
            p.setLong(7, r.lastStep());
            p.setInt(8, r.failures());
            p.setObject(9, offset(r.nextAttemptAt()));
            p.setObject(10, offset(r.lockedAt()));
            p.setString(11, r.recoveryKeyId());
            p.setArray(12, c.createArrayOf("text", r.recoveryHashes().toArray()));
            p.setInt(13, r.pendingFailures());
            p.setObject(14, offset(r.pendingNextAttemptAt()));
            p.setObject(15, offset(r.pendingLockedAt()));
            p.setLong(16, r.generation());
            p.setString(17, r.seal());
            p.setString(18, r.user());
            p.executeUpdate();
        }
    }

    private static void execute(Connection c, String sql, String user) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            p.setString(1, user);
            p.executeUpdate();
        }
    }

    private static SealedSecret sealed(byte[] blob, String keyId) {
        return blob == null || keyId == null ? null : new SealedSecret(keyId, blob);
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        OffsetDateTime t = r.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime offset(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    @Override
    public String describe() {
        return "in PostgreSQL at " + jdbc.safeUrl() + " (user_security_settings)";
    }

    @Override
    public void close() {
        pool.close();
    }
}
