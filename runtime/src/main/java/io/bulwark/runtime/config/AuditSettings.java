package io.bulwark.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How audit events are kept: {@code bulwark.data-dir}, {@code bulwark.audit.*} and {@code bulwark.jdbc.*}.
 *
 * @param dataDir            where the local journal lives (created on first use)
 * @param jdbc               PostgreSQL to ship events to, or null to keep them in the journal only
 * @param retention          how long events are kept, or null to keep them forever
 * @param queueCapacity      audited calls begun whose events are not yet staged, at most; past it audited calls are
 *                           refused
 * @param maxCapture         characters of captured arguments per event, at most
 * @param hashKey            the key of {@code @Redact(mode = HASH)}, or null to use (and make) one under the data dir
 * @param chainKey           the key the audit chain is sealed with, or null to use (and make) one under the data dir
 * @param checkpointEvents   a checkpoint of each writer's head after at most this many events
 * @param checkpointInterval or after at most this long, whichever comes first
 * @param drainTimeout       at a normal JVM exit, how long shipping what the journal holds to PostgreSQL may take
 * @param durability         when an audited call may return: once its event is staged ({@code MMAP}), or once the
 *                           journal has synced it ({@code SYNC})
 */
public record AuditSettings(Path dataDir, JdbcSettings jdbc, Duration retention, int queueCapacity, int maxCapture,
        byte[] hashKey, byte[] chainKey, long checkpointEvents, Duration checkpointInterval, Duration drainTimeout,
        Durability durability) {

    /** {@code bulwark.audit.durability}. */
    public enum Durability {
        /**
         * The call returns once its event is in the memory-mapped staging file: kept through any death of the process
         * (kill -9, an OOM kill); a power cut costs at most the last sync interval (2 ms) and one 4 KiB page.
         */
        MMAP,
        /** The call returns once the journal's fsync covers its event (group commit): nothing lost to a power cut. */
        SYNC;

        /** The value of {@code bulwark.audit.durability}, or null when it is neither. */
        public static Durability fromConfig(String value) {
            String v = value.trim();
            return v.equalsIgnoreCase("mmap") ? MMAP : v.equalsIgnoreCase("sync") ? SYNC : null;
        }
    }

    public static final Path DEFAULT_DATA_DIR = Path.of("bulwark-data");
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_CAPTURE = 16_384;
    public static final long DEFAULT_CHECKPOINT_EVENTS = 100_000;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(10);

    public AuditSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(durability, "durability");
        hashKey = hashKey == null ? null : hashKey.clone();
        chainKey = chainKey == null ? null : chainKey.clone();
    }

    /** With the chain's defaults: a key made under the data directory, checkpoints at their default pace. */
    public AuditSettings(Path dataDir, JdbcSettings jdbc, Duration retention, int queueCapacity, int maxCapture,
            byte[] hashKey) {
        this(dataDir, jdbc, retention, queueCapacity, maxCapture, hashKey, null, DEFAULT_CHECKPOINT_EVENTS,
                DEFAULT_CHECKPOINT_INTERVAL, DEFAULT_DRAIN_TIMEOUT, Durability.MMAP);
    }

    public static AuditSettings defaults() {
        return new AuditSettings(DEFAULT_DATA_DIR, null, DEFAULT_RETENTION, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_CAPTURE,
                null);
    }

    public AuditSettings withDataDir(Path dir) {
        return new AuditSettings(dir, jdbc, retention, queueCapacity, maxCapture, hashKey, chainKey, checkpointEvents,
                checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withJdbc(JdbcSettings store) {
        return new AuditSettings(dataDir, store, retention, queueCapacity, maxCapture, hashKey, chainKey,
                checkpointEvents, checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withRetention(Duration keep) {
        return new AuditSettings(dataDir, jdbc, keep, queueCapacity, maxCapture, hashKey, chainKey, checkpointEvents,
                checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withQueueCapacity(int capacity) {
        return new AuditSettings(dataDir, jdbc, retention, capacity, maxCapture, hashKey, chainKey, checkpointEvents,
                checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withMaxCapture(int characters) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, characters, hashKey, chainKey,
                checkpointEvents, checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withHashKey(byte[] key) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, maxCapture, key, chainKey, checkpointEvents,
                checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withChainKey(byte[] key) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, maxCapture, hashKey, key, checkpointEvents,
                checkpointInterval, drainTimeout, durability);
    }

    public AuditSettings withCheckpoints(long events, Duration interval) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, maxCapture, hashKey, chainKey, events,
                interval, drainTimeout, durability);
    }

    public AuditSettings withDurability(Durability mode) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, maxCapture, hashKey, chainKey,
                checkpointEvents, checkpointInterval, drainTimeout, mode);
    }

    public AuditSettings withDrainTimeout(Duration timeout) {
        return new AuditSettings(dataDir, jdbc, retention, queueCapacity, maxCapture, hashKey, chainKey,
                checkpointEvents, checkpointInterval, timeout, durability);
    }

    /** Where the journal, its checkpoints and its keys live: {@code <data-dir>/audit}. */
    public Path auditDir() {
        return dataDir.resolve("audit");
    }

    @Override
    public byte[] hashKey() {
        return hashKey == null ? null : hashKey.clone();
    }

    @Override
    public byte[] chainKey() {
        return chainKey == null ? null : chainKey.clone();
    }

    @Override
    public String toString() {
        return "AuditSettings[dataDir=" + dataDir + ", jdbc=" + jdbc + ", retention=" + retention + ", queueCapacity="
                + queueCapacity + ", maxCapture=" + maxCapture + ", hashKey=" + (hashKey == null ? "none" : "<hidden>")
                + ", chainKey=" + (chainKey == null ? "none" : "<hidden>") + ", checkpoints every " + checkpointEvents
                + " events or " + checkpointInterval + ", drainTimeout=" + drainTimeout + ", durability=" + durability
                + "]";
    }
}
