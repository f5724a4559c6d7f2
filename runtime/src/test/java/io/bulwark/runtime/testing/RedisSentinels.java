package io.bulwark.runtime.testing;

import io.bulwark.runtime.config.RedisSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * A primary, its replica and three Sentinels (quorum 2) of the machine's {@code redis-server}, on free loopback ports,
 * with a one-second down-after, so that a failover completes within seconds. {@link #shared()} is started once per test
 * JVM and never failed over by a test; fault tests start their own with {@link #start()}, and tests of credentials and
 * TLS with {@link #start(RedisSecurity)}: with TLS, replicas and Sentinels reach the data nodes (and each other) over
 * it ({@code tls-replication yes}), so the Sentinels name the primary by its TLS port; the harness administers every
 * server over its plain port.
 */
public final class RedisSentinels implements AutoCloseable {

    public static final String MASTER = "bulwark-primary";

    private static RedisSentinels shared;

    private final Path dir;
    private final RedisSecurity security;
    private final List<RedisServer> data = new ArrayList<>();
    /** The TLS port of each node in {@link #data}, when the servers serve TLS. */
    private final List<Integer> dataTlsPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Integer> sentinelTlsPorts = new ArrayList<>();

    private RedisSentinels(Path dir, RedisSecurity security) {
        this.dir = dir;
        this.security = security;
    }

    public static synchronized RedisSentinels shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public static RedisSentinels start() {
        return start(RedisSecurity.NONE);
    }

    /** {@link #start()}, the data nodes and the Sentinels guarded as {@code security} says. */
    public static RedisSentinels start(RedisSecurity security) {
        Path dir;
        try {
            dir = Files.createTempDirectory("bulwark-sentinel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisSentinels set = new RedisSentinels(dir, security);
        try {
            boolean tls = security.tls() != null;
            int primary = RedisServer.freePort();
            set.data.add(RedisServer.startOn(primary, set.dataOptions(primary, List.of())));
            int replica = RedisServer.freePort();
            set.data.add(RedisServer.startOn(replica, set.dataOptions(replica, List.of("--replicaof", "127.0.0.1",
                    Integer.toString(set.announced(0))))));
            for (int i = 0; i < 3; i++) {
                int port = RedisServer.freePort();
                Path conf = dir.resolve("sentinel-" + port + ".conf");
                String tlsPort = "";
                if (tls) {
                    set.sentinelTlsPorts.add(RedisServer.freePort());
                    tlsPort = "tls-port " + set.sentinelTlsPorts.get(i) + "\n";
                }
                Files.writeString(conf, "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\n" + tlsPort
                        + "sentinel monitor " + MASTER + " 127.0.0.1 " + set.announced(0) + " 2\n"
                        + "sentinel down-after-milliseconds " + MASTER + " 1000\n"
                        + "sentinel failover-timeout " + MASTER + " 10000\n"
                        + "sentinel parallel-syncs " + MASTER + " 1\n" + security.sentinelLines(MASTER));
                set.sentinels.add(new ProcessBuilder(RedisServer.binary().toString(), conf.toString(), "--sentinel")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                set.sentinelPorts.add(port);
            }
            set.awaitReady(Duration.ofSeconds(30));
            return set;
        } catch (IOException e) {
            set.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
    }

    private String[] dataOptions(int port, List<String> more) {
        List<String> options = new ArrayList<>(List.of("--dir", dir.toString(), "--dbfilename", "dump-" + port
                + ".rdb", "--repl-diskless-sync-delay", "0"));
        options.addAll(security.dataOptions());
        if (security.tls() != null) {
            int tlsPort = RedisServer.freePort();
            dataTlsPorts.add(tlsPort);
            options.addAll(List.of("--tls-port", Integer.toString(tlsPort)));
        }
        options.addAll(more);
        return options.toArray(new String[0]);
    }

    /** The port data node {@code i} is known by to replicas, Sentinels and clients: its TLS port with TLS. */
    private int announced(int i) {
        return dataTlsPorts.isEmpty() ? data.get(i).port() : dataTlsPorts.get(i);
    }

    /** The Sentinels (their TLS ports with TLS) and the credentials of the set's security. */
    public RedisSettings settings(Duration timeout, int poolSize) {
        return settings(security.user(), security.password(), security.sentinelUser(), security.sentinelPassword(),
                timeout, poolSize);
    }

    /** {@link #settings(Duration, int)} with other credentials (wrong ones, say). */
    public RedisSettings settings(String user, String password, String sentinelUser, String sentinelPassword,
            Duration timeout, int poolSize) {
        List<RedisSettings.Node> nodes = new ArrayList<>();
        for (int port : clientPorts()) {
            nodes.add(new RedisSettings.Node("127.0.0.1", port));
        }
        RedisSettings settings = RedisSettings.sentinel(nodes, MASTER, user, password, security.tls() != null,
                timeout, poolSize);
        return sentinelPassword == null ? settings : settings.withSentinelCredentials(sentinelUser, sentinelPassword);
    }

    /** As {@code bulwark.redis.sentinel} names them: their TLS ports with TLS. */
    public String sentinels() {
        StringBuilder out = new StringBuilder();
        for (int port : clientPorts()) {
            out.append(out.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
        }
        return out.toString();
    }

    private List<Integer> clientPorts() {
        return security.tls() == null ? sentinelPorts : sentinelTlsPorts;
    }

    /** The data node the Sentinels name as primary now. */
    public RedisServer primary() {
        HostAndPort address = askPrimary();
        for (int i = 0; i < data.size(); i++) {
            if (announced(i) == address.getPort()) {
                return data.get(i);
            }
        }
        throw new IllegalStateException("the Sentinels name an unknown primary " + address);
    }

    public List<RedisServer> dataNodes() {
        return data;
    }

    private HostAndPort askPrimary() {
        RuntimeException last = null;
        for (int port : sentinelPorts) {
            try (Jedis sentinel = security.sentinelAdmin(port, 1_000)) {
                List<String> address = sentinel.sentinelGetMasterAddrByName(MASTER);
                return new HostAndPort(address.get(0), Integer.parseInt(address.get(1)));
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new IllegalStateException("no Sentinel answers", last);
    }

    /** Asks a Sentinel to fail over now, as an operator would (the old primary is demoted, not stopped). */
    public void failover() {
        try (Jedis sentinel = security.sentinelAdmin(sentinelPorts.get(0), 2_000)) {
            sentinel.sendCommand(redis.clients.jedis.Protocol.Command.SENTINEL, "FAILOVER", MASTER);
        }
    }

    /** Waits until the Sentinels name {@code other than} as primary, and that node answers as one. */
    public RedisServer awaitNewPrimary(RedisServer old, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                RedisServer now = primary();
                if (now != old) {
                    try (Jedis jedis = security.admin(now.port(), 1_000)) {
                        if (jedis.info("replication").contains("role:master")) {
                            return now;
                        }
                    }
                }
            } catch (RuntimeException e) {
                // not yet
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("no failover within " + within);
    }

    /** Every Sentinel knows the primary and its replica and the other Sentinels; the replica is in sync. */
    private void awaitReady(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (int port : sentinelPorts) {
                try (Jedis sentinel = security.sentinelAdmin(port, 1_000)) {
                    var master = sentinel.sentinelMaster(MASTER);
                    last = master.toString();
                    ok &= "1".equals(master.get("num-slaves")) && "2".equals(master.get("num-other-sentinels"));
                } catch (RuntimeException e) {
                    ok = false;
                    last = e.toString();
                }
            }
            try (Jedis replica = security.admin(data.get(1).port(), 1_000)) {
                ok &= replica.info("replication").contains("master_link_status:up");
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                return;
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("the Sentinels did not become ready: " + last);
    }

    @Override
    public void close() {
        for (Process sentinel : sentinels) {
            sentinel.destroyForcibly();
            try {
                sentinel.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (RedisServer server : data) {
            server.kill();
        }
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
