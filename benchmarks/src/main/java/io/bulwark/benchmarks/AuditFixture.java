package io.bulwark.benchmarks;

import io.bulwark.Bulwark;
import io.bulwark.Caller;
import io.bulwark.Capture;
import io.bulwark.Redact;
import io.bulwark.rules.key.Parameter;
import io.bulwark.rules.key.TypeModel;
import io.bulwark.runtime.audit.AuditPipeline;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.guard.AuditSpec;
import io.bulwark.runtime.guard.GuardRegistry;
import io.bulwark.runtime.guard.MethodSpec;
import io.bulwark.runtime.guard.Registration;
import io.bulwark.runtime.ratelimit.InMemoryRateLimiter;
import io.bulwark.runtime.ratelimit.MicroClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One audited method as the agent registers it, {@code login(String email, @Redact(MASK) String password)} with
 * {@code @Audited(action = "user.login", resourceType = "user", resourceId = "{email}", capture = ARGS)}, and the
 * caller a web filter binds: what the audit benchmarks call, through the guard registry the woven code reaches.
 */
final class AuditFixture implements AutoCloseable {

    static final String PASSWORD = "correct horse battery staple";

    final AuditPipeline pipeline;
    private final Path dataDir;
    final GuardRegistry registry;
    final Registration login;

    /** @param jdbc PostgreSQL to ship to, or null for the journal alone (the embedded default) */
    AuditFixture(JdbcSettings jdbc) throws IOException {
        this(jdbc, AuditSettings.Durability.MMAP);
    }

    /**
     * @param jdbc       PostgreSQL to ship to, or null for the journal alone (the embedded default)
     * @param durability {@code bulwark.audit.durability}; the chain is keyed and checkpointed as by default
     */
    AuditFixture(JdbcSettings jdbc, AuditSettings.Durability durability) throws IOException {
        dataDir = Files.createTempDirectory("bulwark-bench-audit");
        AuditSettings settings = AuditSettings.defaults().withDataDir(dataDir).withDurability(durability);
        pipeline = new AuditPipeline(jdbc == null ? settings : settings.withJdbc(jdbc));
        registry = new GuardRegistry(Settings.defaults(), new InMemoryRateLimiter(MicroClock.monotonic(), 1_000, false),
                pipeline, Clock.systemUTC());
        login = registry.register(new MethodSpec("bench.Auth", "login", "(Ljava/lang/String;Ljava/lang/String;)V",
                List.of(new Parameter("email", "java.lang.String"),
                        new Parameter("password", "java.lang.String", Redact.Mode.MASK)),
                List.of(), List.of(), new AuditSpec("user.login", "user", "{email}", "", Capture.ARGS)),
                NO_TYPES, AuditFixture.class.getClassLoader());
    }

    /** Binds a caller with every field set, as an HTTP filter would, on the calling thread. */
    static Bulwark.Scope bindCaller() {
        return Bulwark.bind(Caller.of("u-42").email("alice@example.com").roles("user", "billing").org("acme")
                .ip("203.0.113.9").userAgent("Mozilla/5.0 (X11; Linux x86_64)").requestId("req-7f3a9c"));
    }

    /** What the woven code does around a body that returns normally. */
    Object call(Object[] args) {
        Object token = registry.enter(login.id(), args);
        registry.exit(login.id(), token, null, null);
        return token;
    }

    /** Stops the pipeline and deletes its journal: a run of the benchmarks writes gigabytes of it. */
    @Override
    public void close() throws IOException {
        pipeline.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    /** String parameters only: the type model is never asked about properties. */
    private static final TypeModel NO_TYPES = new TypeModel() {
        @Override
        public List<Accessor> accessors(String typeName) {
            return List.of();
        }

        @Override
        public boolean isEnum(String typeName) {
            return false;
        }

        @Override
        public Redact.Mode redaction(String typeName, String field) {
            return null;
        }
    };
}
