package io.bulwark.benchmarks.monitoring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * What publishing decisions costs a woven call: {@link MonitoringCostBenchmark} in forks with different JVM options,
 * side by side: no agent (the bare call), the agent of a given earlier build (before monitoring, if given), this
 * agent with no listener, with a counting listener, with Micrometer's meters, and with a JFR recording.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.monitoring.MonitoringCostReport \
 *     [agent jar, default agent/target/bulwark-agent.jar] [an earlier build's agent jar, to compare]
 * </pre>
 *
 * <p>While iterating: {@code -Dbench.forks=1} (default 3), {@code -Dbench.only=Micrometer,JFR} (the configurations
 * whose names contain one of these, beside "agent, no listener"), {@code -Dbench.prof=gc} (JMH's allocation profiler).
 * The table of a report is written only for a full run.
 */
public final class MonitoringCostReport {

    private MonitoringCostReport() {
    }

    public static void main(String[] args) throws RunnerException, IOException {
        Path agent = Path.of(args.length > 0 ? args[0] : "agent/target/bulwark-agent.jar").toAbsolutePath();
        Path earlier = args.length > 1 ? Path.of(args[1]).toAbsolutePath() : null;
        Path recording = Files.createTempFile("bulwark-bench", ".jfr");
        Map<String, List<String>> configurations = new LinkedHashMap<>();
        configurations.put("bare call (no agent)", List.of("-Dbench.agent=false"));
        if (earlier != null) {
            configurations.put("agent before monitoring, no listener", agentArgs(earlier, "none"));
        }
        configurations.put("agent, no listener", agentArgs(agent, "none"));
        configurations.put("agent, a listener that does nothing, wanting every admission", agentArgs(agent, "noop"));
        configurations.put("agent, a listener that does nothing, needing no admission", agentArgs(agent,
                "noop-counts"));
        configurations.put("agent, counting listener (LongAdder, every admission)", agentArgs(agent, "counting"));
        configurations.put("agent, Micrometer (BulwarkMetrics)", agentArgs(agent, "micrometer"));
        List<String> jfr = new ArrayList<>(agentArgs(agent, "none"));
        jfr.add("-XX:StartFlightRecording=filename=" + recording + ",settings=default");
        configurations.put("agent, no listener, JFR recording", jfr);

        int forks = Integer.getInteger("bench.forks", 3);
        String only = System.getProperty("bench.only");
        if (only != null) {
            configurations.keySet().removeIf(name -> !name.equals("agent, no listener")
                    && Arrays.stream(only.split(",")).noneMatch(name::contains));
        }
        String profiler = System.getProperty("bench.prof");
        Map<String, Map<String, Double>> scores = new LinkedHashMap<>();
        Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> c : configurations.entrySet()) {
            OptionsBuilder options = new OptionsBuilder();
            options.include(MonitoringCostBenchmark.class.getName() + ".*")
                    .forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1)).threads(1)
                    .jvmArgsAppend(c.getValue().toArray(String[]::new));
            if (profiler != null) {
                options.addProfiler(profiler);
            }
            for (RunResult r : new Runner(options.build()).run()) {
                String method = r.getParams().getBenchmark()
                        .substring(r.getParams().getBenchmark().lastIndexOf('.') + 1);
                scores.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(method,
                        r.getPrimaryResult().getScore());
                errors.computeIfAbsent(c.getKey(), k -> new LinkedHashMap<>()).put(method,
                        r.getPrimaryResult().getScoreError());
            }
        }
        Files.deleteIfExists(recording);

        String baseline = "agent, no listener";
        StringBuilder table = new StringBuilder();
        table.append("| configuration | global ns/call | vs no listener | keyed (1,024 users) ns/call"
                + " | vs no listener |\n");
        table.append("|---|---:|---:|---:|---:|\n");
        for (String name : scores.keySet()) {
            table.append("| ").append(name);
            for (String method : List.of("global", "keyed")) {
                double score = scores.get(name).get(method);
                double base = scores.get(baseline).get(method);
                table.append(String.format(" | %.1f ± %.1f | %s", score, errors.get(name).get(method),
                        name.startsWith("bare") ? "" : String.format("%+.1f%%", 100 * (score / base - 1))));
            }
            table.append(" |\n");
        }
        String environment = "JMH 1.37, average time, 1 thread, " + forks
                + " forks × (3 × 1 s warm-up, 5 × 1 s measured); "
                + ManagementFactory.getRuntimeMXBean().getVmName() + " " + System.getProperty("java.version") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores";
        System.out.println(table);
        System.out.println(environment);
        if (forks != 3 || only != null || profiler != null) {
            return;
        }
        Path out = Path.of("benchmarks", "results", "monitoring-" + LocalDate.now() + ".md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table + "\n" + environment + "\n");
        System.out.println("written to " + out);
    }

    private static List<String> agentArgs(Path agent, String listener) {
        return List.of("-javaagent:" + agent, "-Dbulwark.scan=annotations",
                "-Dbulwark.scan.packages=io.bulwark.benchmarks.monitoring", "-Dbench.agent=true",
                "-Dbench.listener=" + listener, "-Dbulwark.data-dir=" + System.getProperty("java.io.tmpdir")
                        + "/bulwark-bench-data");
    }
}
