package io.bulwark.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.bulwark.Bulwark;
import io.bulwark.GuardUnavailableException;
import io.bulwark.runtime.audit.postgres.AuditTables;
import io.bulwark.runtime.config.JdbcSettings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Sustained audit events a second into PostgreSQL through the real pipeline ({@code bulwark.jdbc.url} set: the
 * journal first, then shipping), from the first call to the last row committed in {@code audit_logs}; beside a raw
 * pgjdbc COPY of the very same rows into an identical table, in the same run, against the same server.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.bulwark.benchmarks.AuditThroughputReport [--quick]
 *     [--events 1000000] [--threads 2] [--keep]          (-Dbench.jdbc=jdbc:postgresql://host:port/db?user=u)
 * </pre>
 *
 * <p>Producers call the audited method as fast as the pipeline admits them: a call refused because the queue to the
 * journal is full (the documented policy) waits 100 µs and is made again, so every one of the events is recorded. A
 * warm-up of the same pipeline runs first (JIT, pool, schema check), and only the events after it are timed and
 * copied.
 */
public final class AuditThroughputReport {

    private static final String JOURNAL_THREAD = "bulwark-audit-journal";
    private static final String SHIPPER_THREAD = "bulwark-audit-shipper";
    /** The threads that run the shipper's COPYs. */
    private static final String COPY_THREADS = "bulwark-audit-copy";
    /** The shipper's batch and COPYs in flight (Shipper.BATCH, Shipper.PARALLEL), for raw COPYs shaped alike. */
    private static final int SHIPPER_BATCH = 10_000;
    private static final int SHIPPER_PARALLEL = 2;
    /** The application name of the shipper's connections, as {@code pg_stat_activity} shows it. */
    private static final String SHIPPER_APPLICATION = "bulwark-audit";

    private AuditThroughputReport() {
    }

    /** When each stage of the pipeline had the last of the timed events, in seconds from the first call. */
    private record PipelineRun(String schema, long warmup, long events, double callsDone, double journalDurable,
            double lastCommitted, long refusals, Cpu cpu) {

        double eventsPerSecond() {
            return events / lastCommitted;
        }
    }

    private record CopyRun(String how, long rows, double seconds, Cpu cpu) {

        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /**
     * CPU seconds spent in a timed stretch: by the benchmark JVM (and of it: the producers, the journal thread, the
     * shipper thread, or the thread that ran COPY), by the PostgreSQL backends that took the rows, and by the whole
     * machine (which includes PostgreSQL's WAL writer and checkpointer, and anything else running).
     */
    private record Cpu(double jvm, double producers, double journal, double shipper, double backend, double machine) {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String report = run(quick, option(args, "--events", quick ? 200_000 : 1_000_000),
                (int) option(args, "--threads", 2), List.of(args).contains("--keep"));
        System.out.println(report);
        System.exit(0);
    }

    /**
     * Runs the pipeline and the two COPYs, and returns the tables in markdown.
     *
     * @param keep leave the benchmark's schemas in the database (to look at the rows), rather than drop them
     */
    static String run(boolean quick, long events, int threads, boolean keep) throws Exception {
        long warmup = quick ? 50_000 : 200_000;
        String load = loadAverage();
        List<String> schemas = new ArrayList<>();
        try {
            PipelineRun run = pipeline(warmup, events, threads);
            schemas.add(run.schema());
            Path rows = export(run);
            List<CopyRun> copies = new ArrayList<>();
            copies.add(copy(rows, run.events(), 0, 1, schemas));
            copies.add(copy(rows, run.events(), SHIPPER_BATCH, 1, schemas));
            copies.add(copy(rows, run.events(), SHIPPER_BATCH, SHIPPER_PARALLEL, schemas));
            Files.delete(rows);
            return render(run, copies, threads) + "\n" + environment(load, loadAverage());
        } finally {
            for (String schema : schemas) {
                if (keep) {
                    System.out.println("kept schema " + schema);
                } else {
                    BenchPostgres.dropSchema(schema);
                }
            }
        }
    }

    private static long option(String[] args, String name, long fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Long.parseLong(args[i + 1].replace("_", ""));
            }
        }
        return fallback;
    }

    private static PipelineRun pipeline(long warmup, long events, int threads) throws Exception {
        String schema = BenchPostgres.freshSchema("pipeline");
        String url = BenchPostgres.urlFor(schema);
        // The tables exist before the clock starts, as they would in a service that has run before.
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            AuditTables.prepare(c);
        }
        try (AuditFixture fixture = new AuditFixture(new JdbcSettings(url, null, null,
                JdbcSettings.DEFAULT_POOL_SIZE))) {
            produce(fixture, warmup, threads, new AtomicLong());
            awaitShipped(fixture, warmup);
            System.out.println("warm-up: " + warmup + " events shipped");

            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            List<String> names = List.of(JOURNAL_THREAD, SHIPPER_THREAD, COPY_THREADS);
            try (Connection monitor = DriverManager.getConnection(url)) {
                Map<Long, Double> backendsBefore = CpuTimes.backends(monitor, SHIPPER_APPLICATION);
                Map<String, Double> threadsBefore = CpuTimes.threads(names);
                double machineBefore = CpuTimes.machineBusy();
                long jvmBefore = os.getProcessCpuTime();
                long total = warmup + events;
                AtomicLong refusals = new AtomicLong();
                DoubleAdder producerCpu = new DoubleAdder();
                long start = System.nanoTime();
                Thread producers = new Thread(() -> producerCpu.add(produce(fixture, events, threads, refusals)),
                        "bench-producers");
                producers.start();
                long callsDone = 0;
                long journalDurable = 0;
                long lastCommitted;
                while (true) {
                    long now = System.nanoTime();
                    if (callsDone == 0 && !producers.isAlive()) {
                        callsDone = now;
                    }
                    if (journalDurable == 0 && fixture.pipeline.journal().durableSeq() >= total) {
                        journalDurable = now;
                    }
                    if (fixture.pipeline.shipper().shipped() >= total) {
                        lastCommitted = now;
                        break;
                    }
                    // Polling every millisecond: a resolution far finer than the seconds measured, at little CPU.
                    LockSupport.parkNanos(1_000_000);
                }
                double jvm = (os.getProcessCpuTime() - jvmBefore) / 1e9;
                double machine = CpuTimes.machineBusy() - machineBefore;
                Map<String, Double> threadsAfter = CpuTimes.threads(names);
                double backend = CpuTimes.spent(backendsBefore, CpuTimes.backends(monitor, SHIPPER_APPLICATION));
                producers.join();
                Cpu cpu = new Cpu(jvm, producerCpu.sum(),
                        threadsAfter.get(JOURNAL_THREAD) - threadsBefore.get(JOURNAL_THREAD),
                        threadsAfter.get(SHIPPER_THREAD) - threadsBefore.get(SHIPPER_THREAD)
                                + threadsAfter.get(COPY_THREADS) - threadsBefore.get(COPY_THREADS), backend, machine);
                checkRows(url, warmup, events);
                return new PipelineRun(schema, warmup, events, seconds(start, callsDone),
                        seconds(start, journalDurable), seconds(start, lastCommitted), refusals.get(), cpu);
            }
        }
    }

    private static double seconds(long start, long end) {
        return (end - start) / 1e9;
    }

    /**
     * Makes {@code events} audited calls from {@code threads} threads, each with a bound caller.
     *
     * @return the CPU seconds the producer threads used
     */
    private static double produce(AuditFixture fixture, long events, int threads, AtomicLong refusals) {
        DoubleAdder cpu = new DoubleAdder();
        CountDownLatch done = new CountDownLatch(threads);
        String[] emails = new String[1_000];
        for (int i = 0; i < emails.length; i++) {
            emails[i] = "user" + i + "@example.com";
        }
        for (int t = 0; t < threads; t++) {
            long share = events / threads + (t < events % threads ? 1 : 0);
            Thread producer = new Thread(() -> {
                try (Bulwark.Scope ignored = AuditFixture.bindCaller()) {
                    for (long i = 0; i < share; i++) {
                        Object[] callArgs = {emails[(int) (i % emails.length)], AuditFixture.PASSWORD};
                        while (true) {
                            try {
                                fixture.call(callArgs);
                                break;
                            } catch (GuardUnavailableException full) {
                                refusals.incrementAndGet();
                                LockSupport.parkNanos(100_000);
                            }
                        }
                    }
                } finally {
                    cpu.add(CpuTimes.currentThread());
                    done.countDown();
                }
            }, "bench-producer-" + t);
            producer.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cpu.sum();
    }

    private static void awaitShipped(AuditFixture fixture, long seq) {
        while (fixture.pipeline.shipper() == null || fixture.pipeline.shipper().shipped() < seq) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    private static void checkRows(String url, long warmup, long events) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM audit_logs WHERE seq > "
                        + warmup)) {
            r.next();
            if (r.getLong(1) != events || r.getLong(2) != events) {
                throw new IllegalStateException("expected " + events + " rows, found " + r.getLong(1) + " ("
                        + r.getLong(2) + " distinct)");
            }
        }
    }

    /** The timed rows, as COPY's text format, in a file (they are too many to hold in memory comfortably). */
    private static Path export(PipelineRun run) throws Exception {
        Path file = Files.createTempFile("bulwark-bench-audit", ".copy");
        try (Connection c = DriverManager.getConnection(BenchPostgres.urlFor(run.schema()));
                OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            copyManager(c).copyOut("COPY (SELECT * FROM audit_logs WHERE seq > " + run.warmup() + " ORDER BY seq) "
                    + "TO STDOUT", out);
        }
        return file;
    }

    /**
     * COPYs the exported rows into {@code audit_logs} of a fresh schema made by the same code as the pipeline's: all
     * in one COPY and one commit ({@code batch = 0}), or {@code batch} rows per COPY and commit, as a shipper would,
     * on {@code connections} connections side by side (each commits on its own: a raw COPY keeps no order).
     */
    private static CopyRun copy(Path rows, long expected, int batch, int connections, List<String> schemas)
            throws Exception {
        String schema = BenchPostgres.freshSchema(batch == 0 ? "copy" : "copy_batched");
        schemas.add(schema);
        String url = BenchPostgres.urlFor(schema);
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            AuditTables.prepare(c);
        }
        List<byte[]> chunks = batch == 0 ? List.of() : chunks(rows, batch);
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                Connection c = DriverManager.getConnection(url);
                c.setAutoCommit(false);
                open.add(c);
            }
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double[] backendBefore = new double[connections];
            for (int i = 0; i < connections; i++) {
                backendBefore[i] = CpuTimes.process(backendPid(open.get(i)));
            }
            double machineBefore = CpuTimes.machineBusy();
            long jvmBefore = os.getProcessCpuTime();
            AtomicLong copied = new AtomicLong();
            DoubleAdder clientCpu = new DoubleAdder();
            List<Thread> copiers = new ArrayList<>();
            List<Exception> failures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < connections; i++) {
                int slot = i;
                Thread copier = new Thread(() -> {
                    double before = CpuTimes.currentThread();
                    try {
                        Connection c = open.get(slot);
                        CopyManager copy = copyManager(c);
                        if (batch == 0) {
                            try (InputStream in = new BufferedInputStream(Files.newInputStream(rows), 1 << 20)) {
                                copied.addAndGet(copy.copyIn("COPY audit_logs FROM STDIN", in, 1 << 16));
                            }
                            c.commit();
                        }
                        for (int k = slot; k < chunks.size(); k += connections) {
                            copied.addAndGet(copy.copyIn("COPY audit_logs FROM STDIN",
                                    new ByteArrayInputStream(chunks.get(k)), 1 << 16));
                            c.commit();
                        }
                    } catch (Exception e) {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }
                    clientCpu.add(CpuTimes.currentThread() - before);
                }, "bench-copy-" + i);
                copier.start();
                copiers.add(copier);
            }
            for (Thread copier : copiers) {
                copier.join();
            }
            double seconds = seconds(start, System.nanoTime());
            double backend = 0;
            for (int i = 0; i < connections; i++) {
                backend += CpuTimes.process(backendPid(open.get(i))) - backendBefore[i];
            }
            Cpu cpu = new Cpu((os.getProcessCpuTime() - jvmBefore) / 1e9, 0, 0, clientCpu.sum(), backend,
                    CpuTimes.machineBusy() - machineBefore);
            if (!failures.isEmpty()) {
                throw failures.get(0);
            }
            if (copied.get() != expected) {
                throw new IllegalStateException("COPY wrote " + copied.get() + " rows, expected " + expected);
            }
            String how = batch == 0 ? "raw COPY, one statement, one commit"
                    : String.format(Locale.ROOT, "raw COPY, %,d rows per statement and commit, %s", batch,
                    connections == 1 ? "one connection" : connections + " connections side by side");
            return new CopyRun(how, copied.get(), seconds, cpu);
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    private static long backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The file's lines in chunks of {@code batch}, read before the clock starts (COPY's text format: a row a line). */
    private static List<byte[]> chunks(Path rows, int batch) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(rows, StandardCharsets.UTF_8)) {
            StringBuilder chunk = new StringBuilder();
            int n = 0;
            String line;
            while ((line = in.readLine()) != null) {
                chunk.append(line).append('\n');
                if (++n == batch) {
                    chunks.add(chunk.toString().getBytes(StandardCharsets.UTF_8));
                    chunk.setLength(0);
                    n = 0;
                }
            }
            if (n > 0) {
                chunks.add(chunk.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return chunks;
    }

    private static CopyManager copyManager(Connection c) throws SQLException {
        return c.unwrap(PGConnection.class).getCopyAPI();
    }

    private static String render(PipelineRun run, List<CopyRun> copies, int threads) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%,d events (after %,d of warm-up), %d producer threads.%n%n",
                run.events(), run.warmup(), threads));
        out.append("| into PostgreSQL | rows | seconds | rows/s | vs the best raw COPY of this run |\n");
        out.append("|---|---:|---:|---:|---:|\n");
        // The target (issue 14) is against the fastest raw shape measured in the same run, not the first one.
        double best = 0;
        for (CopyRun copy : copies) {
            best = Math.max(best, copy.rowsPerSecond());
        }
        out.append(String.format(Locale.ROOT, "| Bulwark pipeline: first call to last row committed | %,d | %.2f | "
                + "%,.0f | %.2f× |%n", run.events(), run.lastCommitted(), run.eventsPerSecond(),
                run.eventsPerSecond() / best));
        for (CopyRun copy : copies) {
            out.append(String.format(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f× |%n", copy.how(), copy.rows(),
                    copy.seconds(), copy.rowsPerSecond(), copy.rowsPerSecond() / best));
        }
        out.append(String.format(Locale.ROOT, "%nPipeline stages (seconds from the first call): all calls made %.2f "
                + "(%,d refused while the queue was full, and made again); all in the journal, fsynced %.2f; all "
                + "committed in PostgreSQL %.2f.%n%n", run.callsDone(), run.refusals(), run.journalDurable(),
                run.lastCommitted()));
        out.append("Where the CPU went, in µs a row (the machine has 2 cores: 2 × 1,000,000 µs a second):\n\n");
        out.append("| run | benchmark JVM | of it: callers | journal thread | shipper or COPY threads "
                + "| PostgreSQL backends | whole machine |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|\n");
        out.append(cpuRow("Bulwark pipeline", run.cpu(), run.events(), false));
        for (CopyRun copy : copies) {
            out.append(cpuRow(copy.how(), copy.cpu(), copy.rows(), true));
        }
        return out.toString();
    }

    private static String cpuRow(String label, Cpu cpu, long rows, boolean copy) {
        double perRow = 1e6 / rows;
        return String.format(Locale.ROOT, "| %s | %.1f | %s | %s | %.1f | %.1f | %.1f |%n", label, cpu.jvm() * perRow,
                copy ? "" : String.format(Locale.ROOT, "%.1f", cpu.producers() * perRow),
                copy ? "" : String.format(Locale.ROOT, "%.1f", cpu.journal() * perRow),
                cpu.shipper() * perRow, cpu.backend() * perRow, cpu.machine() * perRow);
    }

    private static String environment(String loadBefore, String loadAfter) throws Exception {
        return String.format(Locale.ROOT, "Environment: %d cores (%s), %s %s, %s (%s) at %s. Load average "
                + "(1, 5, 15 min) before: %s; after: %s.%n", Runtime.getRuntime().availableProcessors(), cpu(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), BenchPostgres.version(),
                BenchPostgres.durability(), BenchPostgres.url().replaceAll("password=[^&]*", "password=<hidden>"),
                loadBefore, loadAfter);
    }

    static String cpu() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return "unknown";
        }
        return Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
    }

    static String loadAverage() throws IOException {
        Path loadavg = Path.of("/proc/loadavg");
        if (!Files.isReadable(loadavg)) {
            return "unknown";
        }
        String[] parts = Files.readString(loadavg).split(" ");
        return parts[0] + ", " + parts[1] + ", " + parts[2];
    }
}
