package io.bulwark.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

/**
 * The audit benchmarks of {@code benchmarks/README.md}: what an {@code @Audited} call costs its caller (JMH, sample
 * time), then sustained events a second into PostgreSQL beside a raw COPY ({@link AuditThroughputReport}); prints the
 * tables and writes them to {@code benchmarks/results/audit-<date>.md}.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.AuditReport [--quick]
 *                                                    (-Dbench.jdbc=jdbc:postgresql://host:port/db?user=u)
 * </pre>
 */
public final class AuditReport {

    private AuditReport() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        awaitQuiet();
        String loadBefore = AuditThroughputReport.loadAverage();
        String calls = AuditCallerCost.render(quick) + "\n" + callCost(quick);
        String loadBetween = AuditThroughputReport.loadAverage();
        // The callers' runs raise the load average themselves: let it settle, so the next one starts on a quiet
        // machine and its recorded load says whether anything else was running.
        awaitQuiet();
        String throughput = AuditThroughputReport.run(quick, quick ? 200_000 : 1_000_000, 2, false);
        String report = "## Caller cost\n\n" + calls + "\nLoad average (1, 5, 15 min) before: " + loadBefore
                + "; after: " + loadBetween + ".\n\n## Events a second into PostgreSQL\n\n" + throughput;
        System.out.println(report);
        Path out = Path.of("benchmarks", "results", "audit-" + LocalDate.now() + (quick ? "-quick" : "") + ".md");
        if (Files.isDirectory(Path.of("benchmarks"))) {
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            System.out.println("written to " + out);
        }
        System.exit(0);
    }

    /** Waits (at most 5 minutes) for the 1-minute load average to fall below 1: the machine has 2 cores. */
    private static void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            String load = AuditThroughputReport.loadAverage();
            if (load.equals("unknown") || Double.parseDouble(load.substring(0, load.indexOf(','))) < 1.0) {
                return;
            }
            System.out.println("waiting for a quiet machine: load average " + load);
            Thread.sleep(10_000);
        }
    }

    private record Row(String label, Statistics stats) {
    }

    static String callCost(boolean quick) throws Exception {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("bare call (the body alone)", only(run("bare", "journal", quick))));
        rows.add(new Row("@Audited, journal (the default)", only(run("audited", "journal", quick))));
        rows.add(new Row("@Audited, journal and PostgreSQL", only(run("audited", "postgresql", quick))));
        Statistics bare = rows.get(0).stats();
        StringBuilder out = new StringBuilder();
        out.append("| JMH, whole call (body included) | p50 ns | p90 ns | p99 ns | caller's cost at p50 | at p90 |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            Statistics s = row.stats();
            boolean isBare = s == bare;
            out.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %,.0f | %s | %s |%n", row.label(),
                    s.getPercentile(50), s.getPercentile(90), s.getPercentile(99), isBare ? "" : cost(s, bare, 50),
                    isBare ? "" : cost(s, bare, 90)));
        }
        out.append(String.format(Locale.ROOT, "%nJMH sample time, 1 thread, %s; each call's body is ~10 µs of CPU "
                + "(Blackhole.consumeCPU(%d)). Its p99 is the body's preemptions on this shared machine (tens of µs, "
                + "bare or not): the difference of two such p99s says nothing, hence the timing above.%n",
                quick ? "1 fork, 1 × 1 s warm-up, 1 × 2 s measured (--quick)" : "2 forks, 3 × 2 s warm-up, 5 × 3 s "
                + "measured", AuditCallBenchmark.WORK));
        return out.toString();
    }

    private static String cost(Statistics audited, Statistics bare, double percentile) {
        double cost = audited.getPercentile(percentile) - bare.getPercentile(percentile);
        return String.format(Locale.ROOT, "%+,.0f ns", cost);
    }

    private static Collection<RunResult> run(String benchmark, String store, boolean quick) throws Exception {
        return new Runner(new OptionsBuilder()
                .include("io\\.bulwark\\.benchmarks\\.AuditCallBenchmark\\." + benchmark + "$")
                .param("store", store)
                .forks(quick ? 1 : 2)
                .jvmArgsAppend("-Xmx2g", "-Dbench.jdbc=" + BenchPostgres.url())
                .warmupIterations(quick ? 1 : 3)
                .warmupTime(TimeValue.seconds(quick ? 1 : 2))
                .measurementIterations(quick ? 1 : 5)
                .measurementTime(TimeValue.seconds(quick ? 2 : 3))
                .shouldFailOnError(true)
                .build()).run();
    }

    private static Statistics only(Collection<RunResult> results) {
        Map<String, Statistics> byName = new LinkedHashMap<>();
        for (RunResult r : results) {
            byName.put(r.getParams().getBenchmark(), r.getPrimaryResult().getStatistics());
        }
        if (byName.size() != 1) {
            throw new IllegalStateException("expected one result, got " + byName.keySet());
        }
        return byName.values().iterator().next();
    }
}
