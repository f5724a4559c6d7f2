package io.bulwark.runtime.testing;

import io.bulwark.runtime.twofactor.TotpGenerator;
import io.bulwark.runtime.twofactor.TotpParameters;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar bulwark-agent.jar 2fa enroll USER}, run as a person would: it reads the secret from the printed
 * otpauth URI and answers the prompt with the code an authenticator app would show now. For tests of the samples.
 */
public final class EnrollCommand {

    private static final Pattern SECRET = Pattern.compile("^otpauth://totp/.*[?&]secret=([A-Z2-7]+)");

    private EnrollCommand() {
    }

    /**
     * @param options JVM options such as {@code -Dbulwark.data-dir=...}, the same the application runs with
     * @return the enrolled secret, from which the test computes later codes
     */
    public static TotpSecret enroll(Path agentJar, String user, List<String> options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(options);
        command.addAll(List.of("-jar", agentJar.toString(), "2fa", "enroll", user));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("BULWARK_"));
        Process process = builder.start();
        BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        TotpSecret secret = null;
        for (String line = out.readLine(); line != null && secret == null; line = out.readLine()) {
            seen.append(line).append('\n');
            Matcher m = SECRET.matcher(line);
            if (m.find()) {
                secret = TotpSecret.fromBase32(m.group(1));
            }
        }
        if (secret == null) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("2fa enroll printed no otpauth URI:\n" + seen);
        }
        String code = new TotpGenerator(TotpParameters.DEFAULT).codeAt(secret, Instant.now());
        process.getOutputStream().write((code + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        String rest = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !rest.contains("Recovery codes for " + user)) {
            throw new AssertionError("2fa enroll did not confirm:\n" + seen + rest);
        }
        return secret;
    }
}
