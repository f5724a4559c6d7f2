package io.bulwark.agent.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts a JVM with the built agent and an application from the test classes, and collects what it printed. */
final class ForkedJvm {

    static final Path AGENT_JAR = Path.of(required("bulwark.agent.jar"));
    static final Path ANNOTATIONS_JAR = Path.of(required("bulwark.annotations.jar"));
    static final Path TEST_CLASSES = Path.of(required("bulwark.e2e.classes"));
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>(
            List.of(TEST_CLASSES.toString(), ANNOTATIONS_JAR.toString()));
    private final Map<String, String> environment = new HashMap<>();
    private Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    private String agentArgument;
    private boolean withAgent = true;
    private String umask;

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "system property " + property + " is not set: run through Maven (mvn verify)");
        }
        return value;
    }

    ForkedJvm java(Path javaHome) {
        this.java = javaHome.resolve("bin").resolve("java");
        return this;
    }

    ForkedJvm option(String... options) {
        jvmOptions.addAll(Arrays.asList(options));
        return this;
    }

    ForkedJvm classpath(Path entry) {
        classpath.add(entry.toString());
        return this;
    }

    /** Replaces the default class path (test classes + API jar). */
    ForkedJvm onlyClasspath(Path... entries) {
        classpath.clear();
        for (Path p : entries) {
            classpath.add(p.toString());
        }
        return this;
    }

    ForkedJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    ForkedJvm agentArgument(String argument) {
        this.agentArgument = argument;
        return this;
    }

    /** Starts the JVM through {@code sh} with this umask ({@code 000}: files as open as the process allows). */
    ForkedJvm umask(String mask) {
        this.umask = mask;
        return this;
    }

    ForkedJvm withoutAgent() {
        this.withAgent = false;
        return this;
    }

    Result run(Class<?> main, String... args) throws IOException, InterruptedException {
        return runMain(main.getName(), args);
    }

    Result runMain(String mainClass, String... args) throws IOException, InterruptedException {
        try (Running running = start(mainClass, args)) {
            return running.await(TIMEOUT);
        }
    }

    /** Starts {@code mainClass} and returns at once: for tests that act on a JVM while it runs (kill it, say). */
    Running start(String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.add("-Xshare:auto");
        command.addAll(jvmOptions);
        if (withAgent) {
            command.add("-javaagent:" + AGENT_JAR + (agentArgument == null ? "" : "=" + agentArgument));
        }
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
        command.addAll(Arrays.asList(args));
        if (umask != null) {
            command.addAll(0, List.of("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\""));
        }
        Path out = Files.createTempFile("bulwark-e2e", ".out");
        Path err = Files.createTempFile("bulwark-e2e", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // The forked JVM sees only what a test gives it, not the BULWARK_* of whoever runs the build.
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(environment);
        return new Running(command, builder.start(), out, err);
    }

    /** A forked JVM still running. Closing it kills it (if need be) and deletes its output files. */
    static final class Running implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Path out;
        private final Path err;

        Running(List<String> command, Process process, Path out, Path err) {
            this.command = command;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** What it has printed so far. */
        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** What it has printed to standard error so far: Bulwark's log. */
        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits until it has printed a line starting with {@code prefix}; fails with its output if it never does. */
        String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : stdout().lines().toList()) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no line '" + prefix + "...' within " + timeout + "\n" + result(-1));
        }

        /** Writes {@code line} and a newline to its standard input. */
        void send(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        /** SIGKILL: the JVM gets no chance to run a shutdown hook or flush anything. */
        void killHard() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        Result await(Duration timeout) throws IOException, InterruptedException {
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("forked JVM did not finish within " + timeout + ": " + result(-1));
            }
            return result(process.exitValue());
        }

        private Result result(int exit) throws IOException {
            return new Result(command, exit, Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor();
            }
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** What a forked JVM did. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {

        List<String> lines() {
            return stdout.lines().toList();
        }

        /** The value printed as {@code name=value}, or an assertion error showing everything. */
        String value(String name) {
            for (String line : lines()) {
                if (line.startsWith(name + "=")) {
                    return line.substring(name.length() + 1);
                }
            }
            throw new AssertionError("no line '" + name + "=...' in\n" + this);
        }

        Result assertExit(int expected) {
            if (exitCode != expected) {
                throw new AssertionError("expected exit code " + expected + " but was " + exitCode + "\n" + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr;
        }
    }
}
