package io.bulwark.samples;

import io.bulwark.runtime.testing.ListeningProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The packaged sample started as the README starts it, on a free port; closed by destroying it. */
final class SampleProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Bulwark sample listening on (http://\\S+)");

    private final ListeningProcess process;
    final URI base;

    private SampleProcess(ListeningProcess process) {
        this.process = process;
        this.base = process.base();
    }

    static SampleProcess start(boolean withAgent, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        if (withAgent) {
            command.add("-javaagent:" + System.getProperty("bulwark.agent.jar"));
        }
        command.addAll(List.of("-jar", System.getProperty("bulwark.sample.jar"), "0"));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
        return new SampleProcess(ListeningProcess.start(builder, LISTENING, Duration.ofSeconds(30)));
    }

    /** What it printed up to and including the line saying where it listens (and whatever came since). */
    String startupOutput() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
