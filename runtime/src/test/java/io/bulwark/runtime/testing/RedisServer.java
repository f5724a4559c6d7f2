package io.bulwark.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis server for tests, in one of three ways (architecture.md §6): the one named by {@code
 * BULWARK_TEST_REDIS_URL}, else the one on localhost:6379, else one started here, from the machine's {@code
 * redis-server} or the binary Maven Central ships in {@code com.github.codemonstur:embedded-redis}. Fault tests start a
 * private one with {@link #startPrivate()}, which they may stop and start again on the same port.
 */
public final class RedisServer implements AutoCloseable {

    private static RedisServer started;
    private static URI shared;

    private final Path binary;
    private final int port;
    private final List<String> options;
    private Process process;

    private RedisServer(Path binary, int port, List<String> options) {
        this.binary = binary;
        this.port = port;
        this.options = options;
    }

    /** The Redis every test may share: never stopped by a test. Keys must not collide (name policies uniquely). */
    public static synchronized URI shared() {
        if (shared == null) {
            String named = System.getenv("BULWARK_TEST_REDIS_URL");
            if (named != null && !named.isBlank()) {
                shared = URI.create(named);
            } else if (answers("127.0.0.1", 6379)) {
                shared = URI.create("redis://127.0.0.1:6379");
            } else {
                started = startPrivate();
                Runtime.getRuntime().addShutdownHook(new Thread(started::close));
                shared = started.url();
            }
        }
        return shared;
    }

    /**
     * A Redis of the caller's own that also serves TLS on {@code tlsPort} with a self-signed certificate for
     * 127.0.0.1 and localhost (made with the JDK's keytool); clients trust {@code material.trustStore()}.
     */
    public static RedisServer startPrivateTls(TlsMaterial material, int tlsPort) {
        return startPrivate("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", material.certificate().toString(),
                "--tls-key-file", material.privateKey().toString(),
                "--tls-ca-cert-file", material.certificate().toString(), "--tls-auth-clients", "no");
    }

    /** A Redis of the caller's own, on a free port, with extra server options ({@code "--requirepass", "s"}). */
    public static RedisServer startPrivate(String... options) {
        RedisServer server = new RedisServer(binary(), freePort(), List.of(options));
        server.start();
        return server;
    }

    /** A Redis of the caller's own on {@code port}, with extra server options, started. */
    public static RedisServer startOn(int port, String... options) {
        RedisServer server = new RedisServer(binary(), port, List.of(options));
        server.start();
        return server;
    }

    /** A Redis not started yet: {@link #start()} runs it on {@code port} with {@code options} after the defaults. */
    public static RedisServer prepared(int port, String... options) {
        return new RedisServer(binary(), port, List.of(options));
    }

    public URI url() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"));
        command.addAll(options);
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!answers("127.0.0.1", port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis from " + binary + " did not start on port " + port);
            }
            sleep(20);
        }
    }

    /** Stops the server (its data goes with it: it keeps nothing on disk). */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Kills the server at once (SIGKILL), as a crashed machine would: nothing is flushed, no one is told. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    /** Whether something on host:port answers PING like Redis (or asks for a password first, as Redis does). */
    static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 200);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] reply = new byte[7];
            InputStream in = socket.getInputStream();
            int n = in.readNBytes(reply, 0, 7);
            String answer = new String(reply, 0, n, StandardCharsets.US_ASCII);
            return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH");
        } catch (IOException e) {
            return false;
        }
    }

    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String resource = embeddedBinaryName();
        try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on PATH and no " + resource + " in embedded-redis");
            }
            Path file = Files.createTempDirectory("bulwark-redis").resolve("redis-server");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            if (!file.toFile().setExecutable(true)) {
                throw new IllegalStateException("cannot make " + file + " executable");
            }
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String embeddedBinaryName() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm64");
        if (os.contains("mac")) {
            return arm ? "redis-server-6.2.6-v5-darwin-arm64" : "redis-server-6.2.6-v5-darwin-amd64";
        }
        return arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
