package io.bulwark.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL the audit benchmarks use: {@code -Dbench.jdbc=jdbc:postgresql://host:port/db?user=u&password=p},
 * default the local server as user {@code postgres}. Each run works in fresh schemas of its own, dropped at the end.
 */
final class BenchPostgres {

    private BenchPostgres() {
    }

    static String url() {
        return System.getProperty("bench.jdbc", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /** The same database with {@code schema} as its search path (and so where the audit tables are made). */
    static String urlFor(String schema) {
        String url = url();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** Makes a new, empty schema {@code bench_audit_<name>_<time>} and returns its name. */
    static String freshSchema(String name) throws SQLException {
        String schema = "bench_audit_" + name + "_" + Long.toString(System.currentTimeMillis(), 36);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        return schema;
    }

    static void dropSchema(String schema) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** {@code PostgreSQL 15.20}. */
    static String version() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SHOW server_version")) {
            r.next();
            return "PostgreSQL " + r.getString(1).split(" ")[0];
        }
    }

    /** The settings that decide how fast a commit is: {@code fsync=on, synchronous_commit=on, ...}. */
    static String durability() throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT name, setting, unit FROM pg_settings WHERE name IN ('fsync', "
                        + "'synchronous_commit', 'shared_buffers', 'max_wal_size', 'wal_level') ORDER BY name")) {
            while (r.next()) {
                if (out.length() > 0) {
                    out.append(", ");
                }
                out.append(r.getString(1)).append('=').append(r.getString(2));
                if (r.getString(3) != null) {
                    out.append(' ').append(r.getString(3));
                }
            }
        }
        return out.toString();
    }
}
