package io.bulwark.runtime.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server started as a process, ready once it prints the address it listens on: what the samples' tests run. Its
 * output (standard error merged in) is collected while it runs; closing it destroys it.
 */
public final class ListeningProcess implements AutoCloseable {

    private final Process process;
    private final StringBuffer output;
    private final URI base;

    private ListeningProcess(Process process, StringBuffer output, URI base) {
        this.process = process;
        this.output = output;
        this.base = base;
    }

    /**
     * Starts {@code builder} (its error stream merged, its {@code BULWARK_*} environment left as the caller set it)
     * and waits for a line matching {@code listening}, whose first group is the base URI.
     *
     * @throws AssertionError with everything it printed, when it exits or stays silent past {@code timeout}
     */
    public static ListeningProcess start(ProcessBuilder builder, Pattern listening, Duration timeout)
            throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        CompletableFuture<URI> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    seen.append(line).append('\n');
                    Matcher m = listening.matcher(line);
                    if (m.find()) {
                        ready.complete(URI.create(m.group(1)));
                    }
                }
                ready.completeExceptionally(new IllegalStateException("the process exited"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "listening-process-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return new ListeningProcess(process, seen, ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (Exception e) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("did not start (" + String.join(" ", builder.command()) + "):\n" + seen, e);
        }
    }

    /** Where it listens, as it printed it. */
    public URI base() {
        return base;
    }

    /** Everything it has printed so far. */
    public String output() {
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
