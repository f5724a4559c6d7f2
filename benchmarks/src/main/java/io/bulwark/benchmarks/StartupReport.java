package io.bulwark.benchmarks;

import io.bulwark.RateLimited;
import io.bulwark.processor.BulwarkProcessor;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * What the agent adds to startup: an application of 5,000 classes, 5 of them guarded, loading all of them and
 * calling one guarded method, started without the agent, with the agent and the processor's index alone
 * ({@code bulwark.scan=index}), with the agent's defaults (the index, and for every class it does not list the check of
 * its constant pool for guard annotations: that check's cost is the difference between the two), and with the
 * defaults on the same application compiled without the processor; beside them, for reference, the same application
 * under two agents that do nothing (the JVM's own price for an agent) and under Bulwark switched off. Wall-clock
 * time of the whole JVM, runs interleaved, medians compared.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.StartupReport [runs] [agent jar]
 * </pre>
 */
public final class StartupReport {

    static final int CLASSES = 5_000;
    static final int GUARDED = 5;

    private StartupReport() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path agent = Path.of(args.length > 1 ? args[1] : "agent/target/bulwark-agent.jar").toAbsolutePath();
        Path work = Files.createTempDirectory("bulwark-startup");
        Path src = generate(work.resolve("src"));
        Path api = Path.of(RateLimited.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path indexed = compile(src, work.resolve("indexed"), api, true);
        Path plain = compile(src, work.resolve("plain"), api, false);
        Path idle = referenceAgent(work, "IdleAgent", "");
        Path hook = referenceAgent(work, "HookAgent", HOOK);
        Map<String, List<String>> modes = new LinkedHashMap<>();
        modes.put("no agent", command(plain, api));
        modes.put(IDLE_AGENT, command(plain, api, "-javaagent:" + idle));
        modes.put(HOOK_AGENT, command(plain, api, "-javaagent:" + hook));
        modes.put("agent, bulwark.enabled=false", command(indexed, api, "-javaagent:" + agent,
                "-Dbulwark.enabled=false"));
        modes.put(INDEX_ONLY, command(indexed, api, "-javaagent:" + agent, "-Dbulwark.scan=index"));
        modes.put(DEFAULTS, command(indexed, api, "-javaagent:" + agent));
        modes.put(NO_PROCESSOR, command(plain, api, "-javaagent:" + agent));
        Map<String, List<Long>> times = new LinkedHashMap<>();
        modes.keySet().forEach(m -> times.put(m, new ArrayList<>()));
        for (String mode : modes.keySet()) {
            run(modes.get(mode)); // warm the file cache
        }
        for (int i = 0; i < runs; i++) {
            for (Map.Entry<String, List<String>> mode : modes.entrySet()) {
                times.get(mode.getKey()).add(run(mode.getValue()));
            }
        }
        Map<String, Integer> parsed = new LinkedHashMap<>();
        parsed.put(INDEX_ONLY, parsedApplicationClasses(command(indexed, api, "-javaagent:" + agent,
                "-Dbulwark.scan=index", "-Dbulwark.log.level=debug")));
        parsed.put(DEFAULTS, parsedApplicationClasses(command(indexed, api, "-javaagent:" + agent,
                "-Dbulwark.log.level=debug")));
        parsed.put(NO_PROCESSOR, parsedApplicationClasses(command(plain, api, "-javaagent:" + agent,
                "-Dbulwark.log.level=debug")));
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d classes, %d guarded; %d runs of each, interleaved.%n%n", CLASSES,
                GUARDED, runs));
        out.append("| start | median ms | p90 ms | added to startup (median) | added, paired (median) "
                + "| application classes parsed |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        List<Long> baseline = times.get("no agent");
        double base = median(baseline);
        for (Map.Entry<String, List<Long>> mode : times.entrySet()) {
            double median = median(mode.getValue());
            Integer p = parsed.get(mode.getKey());
            boolean withAgent = !mode.getKey().equals("no agent");
            // Paired: each round runs every mode back to back, so the difference within a round cancels the
            // machine's drift between rounds (a shared machine's speed wanders by tens of milliseconds).
            List<Long> paired = new ArrayList<>();
            for (int i = 0; i < baseline.size(); i++) {
                paired.add(mode.getValue().get(i) - baseline.get(i));
            }
            out.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %s | %s | %s |%n", mode.getKey(), median,
                    percentile(mode.getValue(), 90),
                    withAgent ? String.format(Locale.ROOT, "%+.0f ms", median - base) : "",
                    withAgent ? String.format(Locale.ROOT, "%+.0f ms", median(paired)) : "",
                    p == null ? "" : p + " of " + (CLASSES + 1)));
        }
        List<Long> fallback = new ArrayList<>();
        for (int i = 0; i < baseline.size(); i++) {
            fallback.add(times.get(DEFAULTS).get(i) - times.get(INDEX_ONLY).get(i));
        }
        out.append(String.format(Locale.ROOT, "%nThe check for classes the index does not list (defaults minus index "
                + "only, paired median): %+.0f ms.%n", median(fallback)));
        out.append(String.format(Locale.ROOT, "%nEnvironment: %d cores, %s %s.%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version")));
        System.out.println(out);
    }

    static final String INDEX_ONLY = "agent, index only (bulwark.scan=index)";
    static final String DEFAULTS = "agent, defaults (index + constant-pool check of the other classes)";
    static final String NO_PROCESSOR = "agent, defaults, application compiled without the processor";
    static final String IDLE_AGENT = "reference: an agent whose premain does nothing";
    static final String HOOK_AGENT = "reference: an agent with a transformer that returns at once";
    /** The least an agent like Bulwark's asks of the JVM: a transformer (retransformation capable) for every class. */
    private static final String HOOK = """
            instrumentation.addTransformer(new java.lang.instrument.ClassFileTransformer() {
                @Override
                public byte[] transform(ClassLoader loader, String name, Class<?> redefined,
                        java.security.ProtectionDomain domain, byte[] bytes) {
                    return null;
                }
            }, true);
            """;

    /**
     * A jar holding agent {@code ref.<name>} whose premain runs {@code body}: the JVM's own price for an agent,
     * measured beside Bulwark's.
     */
    private static Path referenceAgent(Path work, String name, String body) throws IOException {
        Path src = work.resolve("reference-src").resolve(name);
        Files.createDirectories(src.resolve("ref"));
        Files.writeString(src.resolve("ref").resolve(name + ".java"), "package ref;\n"
                + "public final class " + name + " {\n"
                + "    public static void premain(String argument, "
                + "java.lang.instrument.Instrumentation instrumentation) throws Exception {\n" + body + "    }\n}\n");
        Path classes = work.resolve("reference-classes").resolve(name);
        compile(src, classes, src, false);
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", "ref." + name);
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = work.resolve(name + ".jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
                Stream<Path> files = Files.list(classes.resolve("ref"))) {
            for (Path file : files.toList()) {
                out.putNextEntry(new JarEntry("ref/" + file.getFileName()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }

    /** {@code app.C0 .. C4999}, some methods each; {@code app.G0 .. G4} guarded; {@code app.Main} loads them all. */
    private static Path generate(Path src) throws IOException {
        Path pkg = src.resolve("app");
        Files.createDirectories(pkg);
        for (int i = 0; i < CLASSES - GUARDED; i++) {
            Files.writeString(pkg.resolve("C" + i + ".java"), "package app;\n"
                    + "public class C" + i + " {\n"
                    + "    private final int[] values = new int[8];\n"
                    + "    public int sum() { int s = 0; for (int v : values) { s += v; } return s; }\n"
                    + "    public String name(String prefix) { return prefix + \"C" + i + "\" + values.length; }\n"
                    + "    public static long mix(long a, long b) { return (a * 31 + b) ^ (a >>> 7); }\n"
                    + "    public boolean same(Object other) { return other instanceof C" + i + "; }\n"
                    + "}\n");
        }
        for (int i = 0; i < GUARDED; i++) {
            Files.writeString(pkg.resolve("G" + i + ".java"), "package app;\n"
                    + "import io.bulwark.RateLimited;\n"
                    + "public class G" + i + " {\n"
                    + "    @RateLimited(name = \"g" + i + "\", limit = 100, window = \"1m\", key = \"{user}\")\n"
                    + "    public static String call(String user) { return \"ok \" + user; }\n"
                    + "}\n");
        }
        Files.writeString(pkg.resolve("Main.java"), "package app;\n"
                + "public class Main {\n"
                + "    public static void main(String[] args) throws Exception {\n"
                + "        for (int i = 0; i < " + (CLASSES - GUARDED) + "; i++) { Class.forName(\"app.C\" + i); }\n"
                + "        for (int i = 0; i < " + GUARDED + "; i++) { Class.forName(\"app.G\" + i); }\n"
                + "        if (!G0.call(\"alice\").equals(\"ok alice\")) { throw new AssertionError(); }\n"
                + "    }\n"
                + "}\n");
        return src;
    }

    private static Path compile(Path src, Path out, Path api, boolean withProcessor) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            List<File> sources = new ArrayList<>();
            try (Stream<Path> stream = Files.walk(src)) {
                stream.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toFile()));
            }
            List<String> options = new ArrayList<>(List.of("-parameters", "-d", out.toString(), "-cp", api.toString()));
            if (!withProcessor) {
                options.add("-proc:none");
            }
            JavaCompiler.CompilationTask task = javac.getTask(null, files, null, options, null,
                    files.getJavaFileObjectsFromFiles(sources));
            if (withProcessor) {
                task.setProcessors(List.of(new BulwarkProcessor()));
            }
            if (!task.call()) {
                throw new IllegalStateException("the generated application does not compile");
            }
        }
        return out;
    }

    private static List<String> command(Path classes, Path api, String... agentOptions) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xshare:auto");
        command.addAll(List.of(agentOptions));
        command.addAll(List.of("-cp", classes + File.pathSeparator + api, "app.Main"));
        return command;
    }

    private static long run(List<String> command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("the application failed: " + command);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static int parsedApplicationClasses(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(120, TimeUnit.SECONDS);
        return (int) output.lines().filter(l -> l.contains(" DEBUG parsed app."))
                .map(l -> l.substring(l.indexOf(" DEBUG parsed ") + " DEBUG parsed ".length())).distinct().count();
    }

    private static double median(List<Long> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Long> values, int p) {
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
}
