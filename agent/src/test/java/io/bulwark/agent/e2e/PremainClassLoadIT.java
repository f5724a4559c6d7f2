package io.bulwark.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.agent.e2e.apps.PlainApp;
import io.bulwark.agent.e2e.apps.ReferenceAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Premain spins no lambda and loads no regular expression or stream (issue 15; architecture.md, startup): each would
 * cost every application's start some milliseconds. A JVM with every configuration key set runs with
 * {@code -Xlog:class+load}; what loaded before the application's main class is compared with the same JVM under
 * {@link ReferenceAgent}, an agent that makes the JDK calls Bulwark makes ({@code redefineModule}, a retransforming
 * {@code addTransformer}, {@code getAllLoadedClasses}) and nothing else, since the JDK spins lambdas of its own inside
 * those calls (InstrumentationImpl, Module, WeakPairMap) on every JDK here.
 *
 * <p>What counts: a lambda class spun at run time (a {@code $$Lambda} class not read from the JDK's class-data
 * sharing archive, whose pre-generated lambdas cost nothing to define), any lambda class of Bulwark's own, and any
 * class of {@code java.util.regex} or {@code java.util.stream}, however loaded.
 */
class PremainClassLoadIT {

    private static final String SHARED = "source: shared objects file";

    @TempDir
    Path dir;

    @Test
    void premainWithEveryKeySetSpinsNoLambdaAndLoadsNoRegexOrStream() throws Exception {
        Path reference = referenceAgent();
        for (Path jdk : Jdks.all()) {
            Set<String> baseline = forbidden(jdk, reference, null);
            for (String redis : List.of("url", "cluster", "sentinel")) {
                Set<String> extra = forbidden(jdk, null, redis);
                extra.removeAll(baseline);
                assertEquals(Set.of(), extra, "loaded before main by Bulwark's premain on " + jdk + " with the Redis "
                        + redis + " keys and every other key set, beyond what the JDK itself loads for an agent");
            }
        }
    }

    /**
     * Runs {@link PlainApp} under {@code agent} (Bulwark's if null, with every key and {@code redis} for the Redis
     * keys) and returns the forbidden classes that loaded before it, named without their run-time suffixes.
     */
    private Set<String> forbidden(Path jdk, Path agent, String redis) throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "class-load", ".log");
        ForkedJvm jvm = new ForkedJvm().java(jdk).option("-Xlog:class+load:file=" + log);
        if (agent != null) {
            jvm.withoutAgent().option("-javaagent:" + agent);
        } else {
            jvm.option(everyKey(redis));
        }
        ForkedJvm.Result r = jvm.run(PlainApp.class).assertExit(0);
        assertEquals("true", r.value("ran"), r.toString());
        assertTrue(agent != null || r.stderr().contains(" active: "), "Bulwark started:\n" + r);
        Set<String> found = new TreeSet<>();
        boolean main = false;
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            String name = loadedClass(line);
            if (name == null) {
                continue;
            }
            if (name.equals(PlainApp.class.getName())) {
                main = true;
                break;
            }
            boolean lambda = name.contains("$$Lambda");
            if (lambda && (!line.contains(SHARED) || name.startsWith("io.bulwark"))
                    || name.startsWith("java.util.regex.") || name.startsWith("java.util.stream.")) {
                found.add(withoutSuffix(name));
            }
        }
        assertTrue(main, "the log shows the application's class loading: " + log);
        return found;
    }

    /** The class name of a {@code [class,load]} line, or null. */
    private static String loadedClass(String line) {
        int tag = line.indexOf("[class,load] ");
        if (tag < 0) {
            return null;
        }
        int start = tag + "[class,load] ".length();
        int end = line.indexOf(' ', start);
        return end < 0 ? line.substring(start) : line.substring(start, end);
    }

    /** {@code Foo$$Lambda$14/0x7f...} (JDK 17) and {@code Foo$$Lambda/0x...} (JDK 25) both as {@code Foo$$Lambda}. */
    private static String withoutSuffix(String name) {
        int lambda = name.indexOf("$$Lambda");
        if (lambda >= 0) {
            return name.substring(0, lambda + "$$Lambda".length());
        }
        int hidden = name.indexOf('/');
        return hidden < 0 ? name : name.substring(0, hidden);
    }

    /** Every key of docs/configuration.md with a valid value; of the Redis keys, those of {@code redis}'s kind. */
    private String[] everyKey(String redis) throws IOException {
        String key = randomKey();
        List<String> options = new ArrayList<>(List.of("enabled=true", "scan=annotations", "scan.packages=com.example",
                "require-woven=true", "log.level=info", "ratelimit.max-keys=100000", "ratelimit.algorithm=gcra",
                "ratelimit.max-memory=16m", "ratelimit.ipv6-prefix=56", "ratelimit.mode=enforce",
                "ratelimit.login.limit=5", "ratelimit.login.window=1m", "ratelimit.login.lockout=15m",
                "ratelimit.login.algorithm=sliding-window", "ratelimit.login.mode=shadow", "redis.timeout=250ms",
                "redis.pool-size=4", "redis.user=bulwark", "redis.password=not-a-real-one", "redis.tls=false",
                "data-dir=" + Files.createDirectories(dir.resolve("data-" + redis)),
                "jdbc.url=jdbc:postgresql://127.0.0.1:5432/test?ApplicationName=premain-it", "jdbc.user=postgres",
                "jdbc.password=unused", "jdbc.pool-size=2", "audit.retention=7y", "audit.queue=4096",
                "audit.max-capture=512", "audit.hash-key=" + key, "audit.chain-key=" + randomKey(),
                "audit.checkpoint-events=1000", "audit.checkpoint-interval=60s", "audit.drain-timeout=2s",
                "audit.durability=sync", "totp.key=" + randomKey(), "totp.old-keys=" + randomKey() + "," + randomKey(),
                "totp.issuer=Premain Test", "totp.algorithm=SHA256", "totp.digits=8", "totp.max-failures=7",
                "totp.enrollment-ttl=5m"));
        switch (redis) {
            case "url" -> options.add("redis.url=redis://127.0.0.1:6379/0");
            case "cluster" -> options.add("redis.cluster=127.0.0.1:7001,127.0.0.1:7002");
            default -> {
                options.add("redis.sentinel=127.0.0.1:26379,127.0.0.1:26380");
                options.add("redis.sentinel.master=mymaster");
            }
        }
        String[] properties = new String[options.size()];
        for (int i = 0; i < properties.length; i++) {
            properties[i] = "-Dbulwark." + options.get(i);
        }
        return properties;
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private Path referenceAgent() throws IOException {
        Path jar = dir.resolve("reference-agent.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", ReferenceAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream stream = new JarOutputStream(out, manifest)) {
            for (String name : List.of(ReferenceAgent.class.getName(), ReferenceAgent.class.getName() + "$1")) {
                String entry = name.replace('.', '/') + ".class";
                stream.putNextEntry(new JarEntry(entry));
                stream.write(Files.readAllBytes(ForkedJvm.TEST_CLASSES.resolve(entry)));
                stream.closeEntry();
            }
        }
        return jar;
    }
}
