package io.bulwark.benchmarks;

import io.bulwark.runtime.config.RedisSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/** The Redis Cluster of one run: {@code -Dbench.cluster=host:port,host:port,...} (its seed nodes). */
final class BenchCluster {

    private BenchCluster() {
    }

    static List<HostAndPort> seeds() {
        String seeds = System.getProperty("bench.cluster");
        if (seeds == null || seeds.isBlank()) {
            throw new IllegalStateException("-Dbench.cluster=host:port,... names the cluster to measure");
        }
        List<HostAndPort> nodes = new ArrayList<>();
        for (String node : seeds.split(",")) {
            nodes.add(HostAndPort.from(node.strip()));
        }
        return nodes;
    }

    static RedisSettings settings() {
        List<RedisSettings.Node> nodes = new ArrayList<>();
        for (HostAndPort seed : seeds()) {
            nodes.add(new RedisSettings.Node(seed.getHost(), seed.getPort()));
        }
        return RedisSettings.cluster(nodes, null, null, false, Duration.ofSeconds(1), 16);
    }

    /** For the peer: a pool of {@code pool} per node. */
    static RedisClusterClient client(int pool) {
        ConnectionPoolConfig config = new ConnectionPoolConfig();
        config.setMaxTotal(pool);
        config.setMaxIdle(pool);
        config.setJmxEnabled(false);
        Set<HostAndPort> nodes = new LinkedHashSet<>(seeds());
        return RedisClusterClient.builder().nodes(nodes).poolConfig(config).build();
    }
}
