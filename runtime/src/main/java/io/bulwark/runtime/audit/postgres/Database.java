package io.bulwark.runtime.audit.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.bulwark.runtime.config.JdbcSettings;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Bulwark's own small pool to PostgreSQL: never the application's, so audit writes never join (or wait on) the
 * application's transactions. Creating it opens no connection: the database may be down when the JVM starts.
 */
public final class Database {

    private Database() {
    }

    public static HikariDataSource pool(JdbcSettings jdbc, String name) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(dataSource(jdbc, name));
        config.setMaximumPoolSize(jdbc.poolSize());
        config.setMinimumIdle(0);
        config.setAutoCommit(false);
        // Do not fail (or even connect) at construction: the shipper connects, and retries, on its own thread.
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        config.setMaxLifetime(600_000);
        config.setIdleTimeout(60_000);
        config.setRegisterMbeans(false);
        return new HikariDataSource(config);
    }

    /** One connection, for a command run from a shell; not auto-committing. */
    public static Connection connect(JdbcSettings jdbc, String name) throws SQLException {
        Connection c = dataSource(jdbc, name).getConnection();
        c.setAutoCommit(false);
        return c;
    }

    private static PGSimpleDataSource dataSource(JdbcSettings jdbc, String name) {
        // The driver's own DataSource, not a URL for DriverManager: in the agent the driver is relocated and loaded
        // by an isolated class loader, where DriverManager's service lookup (made through the system loader) cannot
        // see it.
        PGSimpleDataSource source = new PGSimpleDataSource();
        // A dead server must fail a call, not hang it. Set before the URL, so that the URL's own settings win.
        source.setConnectTimeout(5);
        source.setSocketTimeout(60);
        source.setTcpKeepAlive(true);
        source.setApplicationName(name);
        source.setURL(jdbc.url());
        if (jdbc.user() != null) {
            source.setUser(jdbc.user());
        }
        if (jdbc.password() != null) {
            source.setPassword(jdbc.password());
        }
        return source;
    }
}
