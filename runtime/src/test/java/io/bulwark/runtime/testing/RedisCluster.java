package io.bulwark.runtime.testing;

import io.bulwark.runtime.config.RedisSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster for tests: three primaries and three replicas ({@code redis-cli --cluster create ...
 * --cluster-replicas 1}) of the machine's {@code redis-server}, on free loopback ports, with a one-second node timeout
 * so that a replica takes over a dead primary within seconds. {@link #shared()} is started once per test JVM and never
 * stopped by a test; fault tests start their own with {@link #start()}.
 */
public final class RedisCluster implements AutoCloseable {

    /** How long a primary may be silent before its replica is promoted: short, so that failover tests are quick. */
    public static final int NODE_TIMEOUT_MILLIS = 1_000;

    private static RedisCluster shared;

    private final Path dir;
    private final List<RedisServer> nodes = new ArrayList<>();

    private RedisCluster(Path dir) {
        this.dir = dir;
    }

    public static synchronized RedisCluster shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** Six nodes, slots spread over the three primaries, each with one replica; returns once every node says ok. */
    public static RedisCluster start() {
        Path dir;
        try {
            dir = Files.createTempDirectory("bulwark-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisCluster cluster = new RedisCluster(dir);
        try {
            List<String> create = new ArrayList<>(List.of(redisCli().toString(), "--cluster", "create"));
            for (int i = 0; i < 6; i++) {
                int port = clusterPort();
                cluster.nodes.add(RedisServer.startOn(port, "--cluster-enabled", "yes", "--cluster-config-file",
                        dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout",
                        Integer.toString(NODE_TIMEOUT_MILLIS),
                        // A replica may always take over: with the default (10), one that had nothing to replicate
                        // for a while refuses ("Disconnected from master for longer than allowed").
                        "--cluster-replica-validity-factor", "0",
                        // Replicas sync at once rather than after the default 5 s wait for more of them.
                        "--repl-diskless-sync-delay", "0", "--dir", dir.toString(), "--dbfilename",
                        "dump-" + port + ".rdb"));
                create.add("127.0.0.1:" + port);
            }
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            run(create);
            cluster.awaitHealthy(Duration.ofSeconds(30));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The seed nodes, as {@code bulwark.redis.cluster} names them. */
    public String seeds() {
        StringBuilder out = new StringBuilder();
        for (RedisServer node : nodes) {
            out.append(out.length() == 0 ? "" : ",").append("127.0.0.1:").append(node.port());
        }
        return out.toString();
    }

    public RedisSettings settings(Duration timeout, int poolSize) {
        List<RedisSettings.Node> seeds = new ArrayList<>();
        for (RedisServer node : nodes) {
            seeds.add(new RedisSettings.Node("127.0.0.1", node.port()));
        }
        return RedisSettings.cluster(seeds, null, null, false, timeout, poolSize);
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The node now serving {@code slot} as its primary (asked of any live node). */
    public RedisServer primaryOf(int slot) {
        for (RedisServer node : nodes) {
            if (!node.running()) {
                continue;
            }
            try (Jedis jedis = new Jedis("127.0.0.1", node.port(), 1_000)) {
                for (Object range : jedis.clusterSlots()) {
                    List<?> r = (List<?>) range;
                    long from = (Long) r.get(0);
                    long to = (Long) r.get(1);
                    if (slot >= from && slot <= to) {
                        int port = (int) (long) (Long) ((List<?>) r.get(2)).get(1);
                        for (RedisServer candidate : nodes) {
                            if (candidate.port() == port) {
                                return candidate;
                            }
                        }
                    }
                }
            } catch (RuntimeException e) {
                // try the next node
            }
        }
        throw new IllegalStateException("no live node knows who serves slot " + slot);
    }

    /** Waits until every running node reports {@code cluster_state:ok} with all 16,384 slots, and every replica is in sync. */
    public void awaitHealthy(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (RedisServer node : nodes) {
                if (!node.running()) {
                    continue;
                }
                try (Jedis jedis = new Jedis("127.0.0.1", node.port(), 1_000)) {
                    last = jedis.clusterInfo();
                    ok &= last.contains("cluster_state:ok") && last.contains("cluster_slots_ok:16384");
                    String replication = jedis.info("replication");
                    // A replica not yet in sync would lose everything to a failover.
                    ok &= replication.contains("role:master") || replication.contains("master_link_status:up");
                } catch (RuntimeException e) {
                    ok = false;
                    last = e.toString();
                }
            }
            if (ok) {
                return;
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("the cluster did not become healthy: " + last);
    }

    /**
     * A port for a cluster node: its bus port (port + 10,000) must be free and valid too. Taken from the ephemeral
     * range the system hands out, so that parallel builds do not pick the same.
     */
    private static int clusterPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = RedisServer.freePort();
            if (port + 10_000 <= 65_535 && free(port + 10_000)) {
                return port;
            }
        }
        // Ephemeral ports above 55,535 on this machine: search below.
        for (int port = 20_000 + (int) (ProcessHandle.current().pid() % 10_000); port < 40_000; port += 7) {
            if (free(port) && free(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Path redisCli() {
        Path server = RedisServer.binary();
        Path cli = server.resolveSibling("redis-cli");
        if (!Files.isExecutable(cli)) {
            throw new IllegalStateException("no redis-cli beside " + server + ": the cluster tests need it");
        }
        return cli;
    }

    static void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (RedisServer node : nodes) {
            node.kill();
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
