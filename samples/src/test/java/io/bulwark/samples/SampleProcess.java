package io.bulwark.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged sample started as the README starts it, on a free port; closed by destroying it. */
final class SampleProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Bulwark sample listening on (http://\\S+)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    final URI base;

    private SampleProcess(Process process, URI base) {
        this.process = process;
        this.base = base;
    }

    static SampleProcess start(boolean withAgent, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        if (withAgent) {
            command.add("-javaagent:" + System.getProperty("bulwark.agent.jar"));
        }
        command.addAll(List.of("-jar", System.getProperty("bulwark.sample.jar"), "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
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
                listening.completeExceptionally(new IllegalStateException("sample exited:\n" + seen));
            } catch (IOException e) {
                listening.completeExceptionally(e);
            }
        }, "sample-output");
        reader.setDaemon(true);
        reader.start();
        try {
            SampleProcess sample = new SampleProcess(process, listening.get(30, TimeUnit.SECONDS));
            sample.output.append(seen);
            return sample;
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("the sample did not start:\n" + seen, e);
        }
    }

    String startupOutput() {
        return output.toString();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
