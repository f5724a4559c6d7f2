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
 * stopped by a test; fault tests start their own with {@link #start()}, and tests of credentials and TLS with
 * {@link #start(RedisSecurity)}: with TLS, the nodes talk to each other over it ({@code tls-cluster yes}) and tell
 * TLS clients their TLS ports, while the harness administers them over their plain ports.
 */
public final class RedisCluster implements AutoCloseable {

    /** How long a primary may be silent before its replica is promoted: short, so that failover tests are quick. */
    public static final int NODE_TIMEOUT_MILLIS = 1_000;

    private static RedisCluster shared;

    private final Path dir;
    private final RedisSecurity security;
    private final List<RedisServer> nodes = new ArrayList<>();
    /** The TLS port of each node in {@link #nodes}, when the cluster serves TLS. */
    private final List<Integer> tlsPorts = new ArrayList<>();

    private RedisCluster(Path dir, RedisSecurity security) {
        this.dir = dir;
        this.security = security;
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
        return start(RedisSecurity.NONE);
    }

    /** {@link #start()}, the nodes guarded as {@code security} says. */
    public static RedisCluster start(RedisSecurity security) {
        Path dir;
        try {
            dir = Files.createTempDirectory("bulwark-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RedisCluster cluster = new RedisCluster(dir, security);
        try {
            for (int i = 0; i < 6; i++) {
                // The cluster bus listens on the announced port + 10,000: the TLS port with tls-cluster.
                int port = security.tls() == null ? clusterPort() : RedisServer.freePort();
                List<String> options = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        dir.resolve("nodes-" + port + ".conf").toString(), "--cluster-node-timeout",
                        Integer.toString(NODE_TIMEOUT_MILLIS),
                        // A replica may always take over: with the default (10), one that had nothing to replicate
                        // for a while refuses ("Disconnected from master for longer than allowed").
                        "--cluster-replica-validity-factor", "0",
                        // Replicas sync at once rather than after the default 5 s wait for more of them.
                        "--repl-diskless-sync-delay", "0", "--dir", dir.toString(), "--dbfilename",
                        "dump-" + port + ".rdb"));
                options.addAll(security.dataOptions());
                if (security.tls() != null) {
                    int tlsPort = clusterPort();
                    options.addAll(List.of("--tls-port", Integer.toString(tlsPort), "--tls-cluster", "yes"));
                    cluster.tlsPorts.add(tlsPort);
                }
                cluster.nodes.add(RedisServer.startOn(port, options.toArray(new String[0])));
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
            try (Jedis node = security.admin(nodes.get(i).port(), 5_000)) {
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
        try (Jedis first = security.admin(nodes.get(0).port(), 5_000)) {
            for (int i = 1; i < 6; i++) {
                first.clusterMeet("127.0.0.1", busBase(i));
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (int i = 3; i < 6; i++) {
            try (Jedis replica = security.admin(nodes.get(i).port(), 5_000)) {
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

    /** The port the node's cluster bus port is 10,000 above, and MEET is given: its TLS port with TLS. */
    private int busBase(int node) {
        return tlsPorts.isEmpty() ? nodes.get(node).port() : tlsPorts.get(node);
    }

    /** The seed nodes, as {@code bulwark.redis.cluster} names them: the TLS ports with TLS. */
    public String seeds() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nodes.size(); i++) {
            out.append(out.length() == 0 ? "" : ",").append("127.0.0.1:").append(busBase(i));
        }
        return out.toString();
    }

    /** The seed nodes (the TLS ports with TLS) and the data nodes' credentials of the cluster's security. */
    public RedisSettings settings(Duration timeout, int poolSize) {
        return settings(security.user(), security.password(), timeout, poolSize);
    }

    /** {@link #settings(Duration, int)} with other credentials (wrong ones, say). */
    public RedisSettings settings(String user, String password, Duration timeout, int poolSize) {
        List<RedisSettings.Node> seeds = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            seeds.add(new RedisSettings.Node("127.0.0.1", busBase(i)));
        }
        return RedisSettings.cluster(seeds, user, password, security.tls() != null, timeout, poolSize);
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
            try (Jedis jedis = security.admin(node.port(), 1_000)) {
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
                try (Jedis jedis = security.admin(node.port(), 1_000)) {
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
