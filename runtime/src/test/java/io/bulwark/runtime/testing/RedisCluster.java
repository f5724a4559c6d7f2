package io.bulwark.runtime.testing;

import io.bulwark.runtime.config.RedisSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster for tests: three primaries and three replicas (as {@code redis-cli --cluster create ...
 * --cluster-replicas 1} makes them) of the machine's {@code redis-server} or the embedded binary, on free loopback
 * ports, with a one-second node timeout
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
            }
            cluster.create();
            cluster.awaitHealthy(Duration.ofSeconds(60));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * What {@code redis-cli --cluster create ... --cluster-replicas 1} does, with Jedis (so that the embedded binary,
     * which comes without redis-cli, does too): slots in three even ranges to the first three nodes, each its own
     * config epoch, everyone introduced to everyone, then each of the last three nodes made a replica of one primary.
     */
    private void create() {
        int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (Jedis node = new Jedis("127.0.0.1", nodes.get(i).port(), 5_000)) {
                ids.add(node.clusterMyId());
                if (i < 3) {
                    int[] slots = new int[ranges[i][1] - ranges[i][0] + 1];
                    for (int s = 0; s < slots.length; s++) {
                        slots[s] = ranges[i][0] + s;
                    }
                    node.clusterAddSlots(slots);
                    node.clusterSetConfigEpoch(i + 1);
                }
            }
        }
        try (Jedis first = new Jedis("127.0.0.1", nodes.get(0).port(), 5_000)) {
            for (int i = 1; i < 6; i++) {
                first.clusterMeet("127.0.0.1", nodes.get(i).port());
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 3; i < 6; i++) {
            try (Jedis replica = new Jedis("127.0.0.1", nodes.get(i).port(), 5_000)) {
                // The replica must have heard of its primary (gossip) before it can follow it.
                while (true) {
                    try {
                        replica.clusterReplicate(ids.get(i - 3));
                        break;
                    } catch (redis.clients.jedis.exceptions.JedisDataException e) {
                        if (System.nanoTime() > deadline) {
                            throw e;
                        }
                        RedisServer.sleep(100);
                    }
                }
            }
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

    /** Waits until every running node says {@code cluster_state:ok} with all 16,384 slots, and replicas are in sync. */
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
