package io.bulwark.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void sharedServerAnswersSelectOne() throws SQLException {
        assertEquals("1", query(PostgresServer.sharedJdbcUrl(), "select 1"));
    }

    @Test
    void freshSchemaIsTheCurrentOneAndKeepsTablesApart() throws SQLException {
        PostgresServer.Schema mine = PostgresServer.freshSchema("harness");
        PostgresServer.Schema theirs = PostgresServer.freshSchema("harness");

        execute(mine.jdbcUrl(), "create table event (id int)", "insert into event values (7)");

        assertEquals(mine.name(), query(mine.jdbcUrl(), "select current_schema()"));
        assertEquals("7", query(mine.jdbcUrl(), "select id from event"));
        assertEquals("1", query(theirs.jdbcUrl(), "select count(*) from information_schema.schemata"
                + " where schema_name = current_schema()"));
        assertThrows(SQLException.class, () -> query(theirs.jdbcUrl(), "select id from event"));
    }

    @Test
    void schemaPrefixMustBeAnIdentifier() {
        assertThrows(IllegalArgumentException.class, () -> PostgresServer.freshSchema("Audit; drop table x"));
    }

    @Test
    void committedRowSurvivesStopAndStartOnTheSamePort() throws SQLException {
        try (PostgresServer server = PostgresServer.startPrivate()) {
            int port = server.port();
            execute(server.jdbcUrl(), "create table event (id int)", "insert into event values (1)");

            server.stop();
            server.start();

            assertEquals(port, server.port());
            assertEquals("1", query(server.jdbcUrl(), "select id from event"));
        }
    }

    @Test
    void committedRowSurvivesKillAndStart() throws SQLException {
        try (PostgresServer server = PostgresServer.startPrivate()) {
            execute(server.jdbcUrl(), "create table event (id int)", "insert into event values (2)");

            server.kill();
            server.start();

            assertEquals("2", query(server.jdbcUrl(), "select id from event"));
        }
    }

    @Test
    void connectingWhileStoppedFailsQuickly() {
        try (PostgresServer server = PostgresServer.startPrivate()) {
            server.stop();

            long begun = System.nanoTime();
            Properties properties = new Properties();
            properties.setProperty("connectTimeout", "10");
            assertThrows(SQLException.class, () -> DriverManager.getConnection(server.jdbcUrl(), properties).close());

            Duration took = Duration.ofNanos(System.nanoTime() - begun);
            assertTrue(took.compareTo(Duration.ofSeconds(2)) < 0, "refused only after " + took);
        }
    }

    @Test
    void closeDeletesTheDataDirectory() {
        PostgresServer server = PostgresServer.startPrivate();
        Path directory = server.directory();
        assertTrue(Files.isDirectory(directory.resolve("data")));

        server.close();

        assertFalse(Files.exists(directory), directory + " still exists");
    }

    private static void execute(String url, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String query(String url, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            assertTrue(rows.next(), sql + " returned no row");
            return rows.getString(1);
        }
    }
}
