package io.bulwark.benchmarks;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.rules.DurationSyntax;
import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.ratelimit.RateLimiter;
import io.bulwark.runtime.ratelimit.redis.RedisRateLimiter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import redis.clients.jedis.Jedis;

/**
 * Runs the Redis benchmarks at 1, 8 and 64 threads, in throughput and in sample-time mode, and prints the
 * markdown table of {@code benchmarks/README.md}, with the environment and the commandstats proof.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar [--quick] [--threads 1,8,64]    (-Dbench.redis=redis://host:port)
 * </pre>
 */
public final class Report {

    private static final String[] ROWS = {
        "PingBenchmark.ping", "PingBenchmark.pingPooledJedis", "BulwarkRedisBenchmark.hotKey",
        "Bucket4jRedisBenchmark.hotKey", "BulwarkRedisBenchmark.manyKeys", "Bucket4jRedisBenchmark.manyKeys",
        "BulwarkRedisBenchmark.hotKeyRefused"};
    private static final Map<String, String> LABELS = Map.of(
            "PingBenchmark.ping", "PING, RedisClient",
            "PingBenchmark.pingPooledJedis", "PING, JedisPool",
            "BulwarkRedisBenchmark.hotKey", "Bulwark, one hot key",
            "Bucket4jRedisBenchmark.hotKey", "Bucket4j (Jedis, CAS), one hot key",
            "BulwarkRedisBenchmark.manyKeys", "Bulwark, 10,000 keys",
            "Bucket4jRedisBenchmark.manyKeys", "Bucket4j (Jedis, CAS), 10,000 keys",
            "BulwarkRedisBenchmark.hotKeyRefused", "Bulwark, hot key over its limit");

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
                + "\n" + commandStats() + "\n" + RedisReportTable.environment();
        System.out.println(report);
        Path out = Path.of("benchmarks", "results", "redis-" + LocalDate.now() + (quick ? "-quick" : "") + ".md");
        if (Files.isDirectory(Path.of("benchmarks"))) {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
    }

    private static Collection<RunResult> run(int threads, Mode mode, boolean quick) throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("io\\.bulwark\\.benchmarks\\.(Ping|BulwarkRedis|Bucket4jRedis)Benchmark\\.")
                .mode(mode)
                .threads(threads)
                // Two forks for latency: on a shared 2-core machine one fork's p50 can land 20% off the next one's.
                .forks(mode == Mode.SampleTime && !quick ? 2 : 1)
                .jvmArgsAppend("-Xmx2g", "-Dbench.redis=" + BenchRedis.url())
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 3)
                .measurementTime(TimeValue.seconds(quick ? 1 : 3))
                .shouldFailOnError(true);
        return new Runner(options.build()).run();
    }

    /** 10,000 checks on distinct keys from one thread, and what Redis counted for them. */
    private static String commandStats() {
        try (Jedis admin = BenchRedis.single(); RedisRateLimiter engine = new RedisRateLimiter(
                new RedisSettings(BenchRedis.url(), Duration.ofSeconds(1), 16),
                new InMemoryRateLimiter(MicroClock.monotonic(), 100_000, false))) {
            RateLimiter.Limit[] limit = {engine.limit(new RateLimitPolicy("stats" + System.nanoTime(), 10,
                    DurationSyntax.parse("1m"), "", Count.CALLS, Duration.ZERO, Set.of(), false, StoreFailure.CLOSED,
                    Algorithm.GCRA))};
            engine.acquire(limit, new String[] {"warm-up"});
            admin.configResetStat();
            int checks = 10_000;
            for (int i = 0; i < checks; i++) {
                engine.acquire(limit, new String[] {"k" + i});
            }
            List<String> lines = new ArrayList<>();
            for (String line : admin.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    lines.add(line.substring(0, line.indexOf(",usec=")));
                }
            }
            return "`INFO commandstats` after " + checks + " checks on distinct keys (commands run inside the script "
                    + "are counted too):\n\n```\n" + String.join("\n", lines) + "\n```\n";
        }
    }

}
