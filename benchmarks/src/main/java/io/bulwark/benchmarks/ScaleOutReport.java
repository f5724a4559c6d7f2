package io.bulwark.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the Redis benchmarks at 1, 8 and 64 threads, in throughput and in sample-time mode, and prints the
 * markdown table of {@code benchmarks/README.md}, with the environment and the commandstats proof.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--threads 1,8,64]    (-Dbench.redis=redis://host:port)
 * </pre>
 */
/**
 * Issue 17's run: Bulwark on one Redis and on a Redis Cluster beside Bucket4j's Jedis back end on both and a bare PING,
 * at 1, 8 and 64 threads; {@code -Dbench.redis=} the single Redis, {@code -Dbench.cluster=} the cluster's seeds.
 * Shorter iterations than {@link Report} (1 × 2 s warm-up, 2 × 2 s measured, one fork each mode) to keep the shared
 * machine's exclusive slot short.
 */
public final class ScaleOutReport {

    private static final String[] ROWS = {
        "PingBenchmark.ping", "PingBenchmark.pingPooledJedis", "BulwarkRedisBenchmark.hotKey",
        "Bucket4jRedisBenchmark.hotKey", "BulwarkRedisBenchmark.manyKeys", "Bucket4jRedisBenchmark.manyKeys",
        "BulwarkClusterBenchmark.hotKey", "Bucket4jClusterBenchmark.hotKey", "BulwarkClusterBenchmark.manyKeys",
        "Bucket4jClusterBenchmark.manyKeys", "BulwarkClusterBenchmark.twoLimitsAcrossSlots"};
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("BulwarkClusterBenchmark.hotKey", "Bulwark on the cluster, one hot key"),
            Map.entry("Bucket4jClusterBenchmark.hotKey", "Bucket4j on the cluster, one hot key"),
            Map.entry("BulwarkClusterBenchmark.manyKeys", "Bulwark on the cluster, 10,000 keys"),
            Map.entry("Bucket4jClusterBenchmark.manyKeys", "Bucket4j on the cluster, 10,000 keys"),
            Map.entry("BulwarkClusterBenchmark.twoLimitsAcrossSlots",
                    "Bulwark on the cluster, per-user + per-org limit (2 slots)"),
            Map.entry("PingBenchmark.ping", "PING, RedisClient"),
            Map.entry("PingBenchmark.pingPooledJedis", "PING, JedisPool"),
            Map.entry("BulwarkRedisBenchmark.hotKey", "Bulwark, one hot key"),
            Map.entry("Bucket4jRedisBenchmark.hotKey", "Bucket4j (Jedis, CAS), one hot key"),
            Map.entry("BulwarkRedisBenchmark.manyKeys", "Bulwark, 10,000 keys"),
            Map.entry("Bucket4jRedisBenchmark.manyKeys", "Bucket4j (Jedis, CAS), 10,000 keys"),
            Map.entry("BulwarkRedisBenchmark.hotKeyRefused", "Bulwark, hot key over its limit"));

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        int[] threads = {1, 8, 64};
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--threads")) {
                threads = java.util.Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
            }
        }
        Map<String, Map<Integer, RedisReportTable.Cell>> table = new LinkedHashMap<>();
        for (int t : threads) {
            Map<String, Double> throughput = RedisReportTable.scores(run(t, Mode.Throughput, quick));
            Collection<RunResult> sampled = run(t, Mode.SampleTime, quick);
            for (RunResult r : sampled) {
                String name = RedisReportTable.shortName(r);
                var stats = r.getPrimaryResult().getStatistics();
                table.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(t, new RedisReportTable.Cell(
                        throughput.getOrDefault(name, Double.NaN) * 1_000_000, stats.getPercentile(50),
                        stats.getPercentile(99)));
            }
        }
        String report = "\"vs PING\" compares with the best PING at the same thread count: the highest throughput and "
                + "the lowest p50 of the two client styles.\n\n" + RedisReportTable.render(table, ROWS, LABELS, threads)
                + "\n" + RedisReportTable.environment()
                + "Cluster: " + System.getProperty("bench.cluster") + "\n";
        System.out.println(report);
        Path out = Path.of("benchmarks", "results", "scaleout-" + LocalDate.now() + (quick ? "-quick" : "") + ".md");
        if (Files.isDirectory(Path.of("benchmarks"))) {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
    }

    private static Collection<RunResult> run(int threads, Mode mode, boolean quick) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("io\\.bulwark\\.benchmarks\\.(Ping|BulwarkRedis|Bucket4jRedis|BulwarkCluster|Bucket4jCluster)"
                        + "Benchmark\\.(ping|pingPooledJedis|hotKey|manyKeys|twoLimitsAcrossSlots)$")
                .mode(mode)
                .threads(threads)
                // Two forks for latency: on a shared 2-core machine one fork's p50 can land 20% off the next one's.
                .forks(1)
                .jvmArgsAppend("-Xmx2g", "-Dbench.redis=" + BenchRedis.url(), "-Dbench.cluster="
                        + System.getProperty("bench.cluster"))
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 2)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .shouldFailOnError(true);
        return new Runner(options.build()).run();
    }

}
