package io.bulwark.benchmarks;

import io.bulwark.Bulwark;
import io.bulwark.runtime.audit.postgres.AuditTables;
import io.bulwark.runtime.config.JdbcSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What an {@code @Audited} call costs its caller, as JMH sees the whole call: the guard's enter and exit around a body,
 * as the woven code calls them (less its one static call through {@code Dispatch}), capturing two arguments (one
 * redacted), the resource id and the bound caller into the real pipeline, beside the same body unaudited
 * ({@link #bare}). The difference at p50 and p90 is the caller's cost there; at p99 both are the body's preemptions
 * on a shared 2-core machine, which is why {@link AuditCallerCost} times the guard's work itself, call by call.
 *
 * <p>The body is ~10 µs of CPU, as a request would spend on its own work. It keeps one thread's rate (~90,000 calls a
 * second) within what the journal thread writes on the other core: with an empty body one thread makes events faster
 * than any journal takes them for long, the queue to it fills, and past it calls are refused (503) by design, which
 * is not what this measures. With {@code store = postgresql} the shipper and PostgreSQL take their share of the same
 * 2 cores while the caller runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuditCallBenchmark {

    /** ~10 µs of {@link Blackhole#consumeCPU} on this machine (1 token ≈ 2 ns). */
    static final int WORK = 5_000;

    @Param({"journal", "postgresql"})
    public String store;

    private AuditFixture fixture;
    private String schema;
    private final Object[] args = {"alice@example.com", AuditFixture.PASSWORD};

    /** The caller a filter binds for the request, on the benchmark's own thread. */
    @State(Scope.Thread)
    public static class Request {
        private Bulwark.Scope scope;

        @Setup(Level.Trial)
        public void bind() {
            scope = AuditFixture.bindCaller();
        }

        @TearDown(Level.Trial)
        public void unbind() {
            scope.close();
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JdbcSettings jdbc = null;
        if (store.equals("postgresql")) {
            schema = BenchPostgres.freshSchema("calls");
            try (Connection c = DriverManager.getConnection(BenchPostgres.urlFor(schema))) {
                c.setAutoCommit(false);
                AuditTables.prepare(c);
            }
            jdbc = new JdbcSettings(BenchPostgres.urlFor(schema), null, null, JdbcSettings.DEFAULT_POOL_SIZE);
        }
        fixture = new AuditFixture(jdbc);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        fixture.close();
        if (schema != null) {
            BenchPostgres.dropSchema(schema);
        }
    }

    @Benchmark
    public Object audited(Request request) {
        Object token = fixture.registry.enter(fixture.login.id(), args);
        Blackhole.consumeCPU(WORK);
        fixture.registry.exit(fixture.login.id(), token, null, null);
        return token;
    }

    @Benchmark
    public Object bare(Request request) {
        Blackhole.consumeCPU(WORK);
        return args;
    }
}
