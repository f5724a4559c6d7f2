package io.bulwark.benchmarks;

import io.bulwark.Bulwark;
import io.bulwark.GuardUnavailableException;
import io.bulwark.runtime.audit.postgres.AuditTables;
import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What an {@code @Audited} call costs its caller, timed around the guard's own work: {@code System.nanoTime()} before
 * and after the enter (capture and hand-off) and the exit (outcome, duration, queueing), every call, with the body
 * (~10 µs of CPU, {@link AuditCallBenchmark#WORK}) outside the timing. So a percentile is the caller's cost at that
 * percentile, not the difference of two noisy distributions: on this shared 2-core machine a 10 µs body's own p99 is
 * 40-50 µs of preemptions, which would bury a microsecond. The same loop with nothing between the timer reads gives
 * the timer's own cost, shown beside.
 */
public final class AuditCallerCost {

    private AuditCallerCost() {
    }

    /**
     * One row of the table alone, for quicker iterations than {@link AuditReport}:
     * {@code java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.AuditCallerCost [journal|postgresql]
     * [threads] [calls]} (defaults: postgresql, 2, 1,000,000).
     */
    public static void main(String[] args) throws Exception {
        String store = args.length > 0 ? args[0] : "postgresql";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int calls = args.length > 2 ? Integer.parseInt(args[2].replace("_", "")) : 1_000_000;
        StringBuilder out = new StringBuilder();
        row(out, "@Audited, " + store, threads, measure(store, threads, calls, true));
        System.out.print(out);
        System.exit(0);
    }

    /** Nanoseconds a call, sorted ({@code [0]} is the fastest), and how many calls were refused (503) and redone. */
    record Samples(long[] sorted, long refused) {

        double percentile(double p) {
            int i = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
            return sorted[Math.max(0, i)];
        }
    }

    /**
     * @param store   {@code journal}, or {@code postgresql} to ship to it too
     * @param threads callers at once, each timing its own calls
     * @param calls   timed calls a thread, after as many untimed to warm up
     * @param timed   false to time nothing between the timer reads (the timer's own cost)
     */
    static Samples measure(String store, int threads, int calls, boolean timed) throws Exception {
        return measure(store, AuditSettings.Durability.MMAP, threads, calls, timed);
    }

    static Samples measure(String store, AuditSettings.Durability durability, int threads, int calls, boolean timed)
            throws Exception {
        String schema = null;
        JdbcSettings jdbc = null;
        if (store.equals("postgresql")) {
            schema = BenchPostgres.freshSchema("caller");
            try (Connection c = DriverManager.getConnection(BenchPostgres.urlFor(schema))) {
                c.setAutoCommit(false);
                AuditTables.prepare(c);
            }
            jdbc = new JdbcSettings(BenchPostgres.urlFor(schema), null, null, JdbcSettings.DEFAULT_POOL_SIZE);
        }
        try (AuditFixture fixture = new AuditFixture(jdbc, durability)) {
            long[][] perThread = new long[threads][];
            AtomicLong refused = new AtomicLong();
            CountDownLatch done = new CountDownLatch(threads);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int slot = t;
                Thread caller = new Thread(() -> {
                    try (Bulwark.Scope ignored = AuditFixture.bindCaller()) {
                        run(fixture, calls, timed, new AtomicLong());
                        perThread[slot] = run(fixture, calls, timed, refused);
                    } finally {
                        done.countDown();
                    }
                }, "bench-caller-" + t);
                caller.start();
                callers.add(caller);
            }
            done.await();
            long[] all = new long[threads * calls];
            for (int t = 0; t < threads; t++) {
                System.arraycopy(perThread[t], 0, all, t * calls, calls);
            }
            Arrays.sort(all);
            return new Samples(all, refused.get());
        } finally {
            if (schema != null) {
                BenchPostgres.dropSchema(schema);
            }
        }
    }

    private static long[] run(AuditFixture fixture, int calls, boolean timed, AtomicLong refused) {
        long[] nanos = new long[calls];
        Object[] args = {"alice@example.com", AuditFixture.PASSWORD};
        int id = fixture.login.id();
        for (int i = 0; i < calls; i++) {
            long t0 = System.nanoTime();
            Object token;
            try {
                token = timed ? fixture.registry.enter(id, args) : args;
            } catch (GuardUnavailableException full) {
                // More calls than the journal takes on what CPU is left: refused by design. Not timed; made again.
                refused.incrementAndGet();
                LockSupport.parkNanos(100_000);
                i--;
                continue;
            }
            long t1 = System.nanoTime();
            Blackhole.consumeCPU(AuditCallBenchmark.WORK);
            long t2 = System.nanoTime();
            if (timed) {
                fixture.registry.exit(id, token, null, null);
            }
            long t3 = System.nanoTime();
            nanos[i] = (t1 - t0) + (t3 - t2);
        }
        return nanos;
    }

    static String render(boolean quick) throws Exception {
        int calls = quick ? 200_000 : 1_000_000;
        StringBuilder out = new StringBuilder();
        out.append("| caller's cost (enter + exit), timed every call | threads | p50 ns | p90 ns | p99 ns | p99.9 ns "
                + "| refused (503) |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        row(out, "timer alone (two pairs of System.nanoTime)", 1, measure("journal", 1, calls, false));
        for (String store : List.of("journal", "postgresql")) {
            for (int threads : new int[] {1, 2}) {
                row(out, "@Audited, " + (store.equals("journal") ? "journal (the default)" : "journal and PostgreSQL"),
                        threads, measure(store, threads, calls, true));
            }
        }
        // Each call of the sync mode waits for an fsync (group commit): far fewer calls fit in the same time.
        int syncCalls = quick ? 5_000 : 20_000;
        for (int threads : new int[] {1, 2}) {
            row(out, "@Audited, journal, bulwark.audit.durability=sync", threads,
                    measure("journal", AuditSettings.Durability.SYNC, threads, syncCalls, true));
        }
        out.append(String.format(Locale.ROOT, "%n%,d timed calls a thread after as many to warm up (%,d in the sync "
                + "mode); each call's body is ~10 µs of CPU outside the timing. The chain is keyed (HMAC-SHA-256) and "
                + "checkpointed at the default pace.%n", calls, syncCalls));
        return out.toString();
    }

    private static void row(StringBuilder out, String label, int threads, Samples s) {
        out.append(String.format(Locale.ROOT, "| %s | %d | %,.0f | %,.0f | %,.0f | %,.0f | %,d |%n", label, threads,
                s.percentile(50), s.percentile(90), s.percentile(99), s.percentile(99.9), s.refused()));
    }
}
