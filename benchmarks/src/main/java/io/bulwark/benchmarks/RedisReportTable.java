package io.bulwark.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import redis.clients.jedis.Jedis;

/**
 * What the Redis reports share ({@link Report} on one Redis, {@link ScaleOutReport} on a cluster): JMH scores by
 * short name, the table of each row's throughput and p50 against the best PING of the same thread count, and the
 * environment line.
 */
final class RedisReportTable {

    record Cell(double opsPerSecond, double p50Micros, double p99Micros) {
    }

    private RedisReportTable() {
    }

    static Map<String, Double> scores(Collection<RunResult> results) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult r : results) {
            scores.put(shortName(r), r.getPrimaryResult().getScore());
        }
        return scores;
    }

    static String shortName(RunResult r) {
        String full = r.getParams().getBenchmark();
        String[] parts = full.split("\\.");
        return parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    static String render(Map<String, Map<Integer, Cell>> table, String[] rows, Map<String, String> labels,
            int[] threads) {
        StringBuilder out = new StringBuilder();
        out.append("| check | threads | checks/s | p50 µs | p99 µs | throughput vs PING | p50 vs PING |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (int t : threads) {
            List<Cell> pings = new ArrayList<>();
            for (String ping : List.of("PingBenchmark.ping", "PingBenchmark.pingPooledJedis")) {
                Cell c = table.getOrDefault(ping, Map.of()).get(t);
                if (c != null) {
                    pings.add(c);
                }
            }
            // The strictest floor for each column: the best PING throughput, the best PING p50.
            double bestOps = pings.stream().mapToDouble(Cell::opsPerSecond).max().orElse(Double.NaN);
            double bestP50 = pings.stream().mapToDouble(Cell::p50Micros).min().orElse(Double.NaN);
            for (String row : rows) {
                Cell c = table.getOrDefault(row, Map.of()).get(t);
                if (c == null) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %.1f | %.1f | %.2f× | %.2f× |%n",
                        labels.get(row), t, c.opsPerSecond(), c.p50Micros(), c.p99Micros(), c.opsPerSecond() / bestOps,
                        c.p50Micros() / bestP50));
            }
        }
        return out.toString();
    }

    static String environment() throws IOException {
        String cpu = "unknown";
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        }
        String redisVersion;
        try (Jedis admin = BenchRedis.single()) {
            redisVersion = admin.info("server").lines().filter(l -> l.startsWith("redis_version:")).findFirst()
                    .orElse("redis_version:?").substring("redis_version:".length());
        }
        return String.format(Locale.ROOT, "Environment: %d cores (%s), %s %s, Redis %s at %s, JMH 1.37.%n",
                Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.vm.name"),
                System.getProperty("java.version"), redisVersion, BenchRedis.url());
    }
}
