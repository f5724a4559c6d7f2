package io.bulwark.samples.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Spring Boot sample as a process, started from the repository's root; closed by destroying it. */
final class BootSample implements AutoCloseable {

    static final Path REPOSITORY = Path.of(System.getProperty("bulwark.repository"));
    private static final Pattern LISTENING = Pattern.compile("Bulwark Spring Boot sample listening on (http://\\S+)");

    private final Process process;
    private final StringBuffer output;
    final URI base;

    private BootSample(Process process, StringBuffer output, URI base) {
        this.process = process;
        this.output = output;
        this.base = base;
    }

    /**
     * @param command     run by bash in the repository's root, as a person would type it
     * @param environment added to a clean one (no BULWARK_* of whoever runs the build)
     */
    static BootSample start(String command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", "-c", "exec " + command))
                .directory(REPOSITORY.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_") || name.startsWith("JAVA_TOOL"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        StringBuffer seen = new StringBuffer();
        CompletableFuture<URI> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening.complete(URI.create(m.group(1)));
                    }
                }
                listening.completeExceptionally(new IllegalStateException("the sample exited"));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "boot-sample-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new BootSample(process, seen, listening.get(90, TimeUnit.SECONDS));
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("the sample did not start (" + command + "):\n" + seen, e);
        }
    }

    /** Everything it has printed so far. */
    String output() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
