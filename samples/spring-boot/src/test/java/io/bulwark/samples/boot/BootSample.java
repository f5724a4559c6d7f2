package io.bulwark.samples.boot;

import io.bulwark.runtime.testing.ListeningProcess;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The Spring Boot sample as a process, started from the repository's root; closed by destroying it. */
final class BootSample implements AutoCloseable {

    static final Path REPOSITORY = Path.of(System.getProperty("bulwark.repository"));
    private static final Pattern LISTENING = Pattern.compile("Bulwark Spring Boot sample listening on (http://\\S+)");

    private final ListeningProcess process;
    final URI base;

    private BootSample(ListeningProcess process) {
        this.process = process;
        this.base = process.base();
    }

    /**
     * @param command     run by bash in the repository's root, as a person would type it
     * @param environment added to a clean one (no BULWARK_* of whoever runs the build)
     */
    static BootSample start(String command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-c", "exec " + command))
                .directory(REPOSITORY.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(environment);
        return new BootSample(ListeningProcess.start(builder, LISTENING, Duration.ofSeconds(90)));
    }

    /** Everything it has printed so far. */
    String output() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
