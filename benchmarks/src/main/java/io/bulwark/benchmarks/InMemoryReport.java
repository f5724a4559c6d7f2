package io.bulwark.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link InMemoryCallBenchmark} at 1 and 2 threads, every fork with the agent attached, and prints the table of
 * {@code benchmarks/README.md} with each row's ratio to the best peer at the same thread count.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.InMemoryReport [agent jar] [forks]
 * </pre>
 */
public final class InMemoryReport {

    private static final String[] ROWS = {"nanoTime", "bareCall", "bulwarkGlobal", "resilience4jGlobal",
        "bucket4jGlobal", "bulwarkKeyed", "resilience4jKeyed", "bucket4jKeyed"};

    private InMemoryReport() {
    }

    public static void main(String[] args) throws Exception {
        Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/bulwark-agent.jar").toAbsolutePath();
        int forks = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        if (!Files.isRegularFile(agent)) {
            throw new IllegalArgumentException("no agent jar at " + agent + ": build it (mvn -DskipTests package)");
        }
        Path data = Files.createTempDirectory("bulwark-bench");
        Map<String, double[]> scores = new LinkedHashMap<>();
        int[] threads = {1, 2};
        for (int t = 0; t < threads.length; t++) {
            var options = new OptionsBuilder().include(InMemoryCallBenchmark.class.getName() + "\\.")
                    .threads(threads[t]).forks(forks).warmupIterations(4).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .jvmArgsAppend("-javaagent:" + agent, "-Dbulwark.data-dir=" + data, "-Xmx1g", "-Xms1g")
                    .build();
            for (RunResult r : new Runner(options).run()) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                scores.computeIfAbsent(name, k -> new double[threads.length])[t] = r.getPrimaryResult().getScore();
            }
        }
        System.out.println("| call | ns/call, 1 thread | ns/call, 2 threads | vs best peer, 1 | vs best peer, 2 |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String row : ROWS) {
            double[] s = scores.get(row);
            if (s == null) {
                continue;
            }
            String kind = row.endsWith("Global") ? "Global" : row.endsWith("Keyed") ? "Keyed" : null;
            List<String> cells = new ArrayList<>(List.of(row, fmt(s[0]), fmt(s[1])));
            for (int t = 0; t < threads.length; t++) {
                double best = kind == null ? Double.NaN : Math.min(scores.get("resilience4j" + kind)[t],
                        scores.get("bucket4j" + kind)[t]);
                cells.add(kind == null ? "" : String.format(Locale.ROOT, "%.2f×", s[t] / best));
            }
            System.out.println("| " + String.join(" | ", cells) + " |");
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
