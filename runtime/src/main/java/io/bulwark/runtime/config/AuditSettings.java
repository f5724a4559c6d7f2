package io.bulwark.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How audit events are kept: {@code bulwark.data-dir}, {@code bulwark.audit.*} and {@code bulwark.jdbc.*}.
 *
 * @param dataDir       where the local journal lives (created on first use)
 * @param jdbc          PostgreSQL to ship events to, or null to keep them in the journal only
 * @param retention     how long events are kept, or null to keep them forever
 * @param queueCapacity events captured and not yet in the journal, at most; past it audited calls are refused
 * @param maxCapture    characters of captured arguments per event, at most
 * @param hashKey       the key of {@code @Redact(mode = HASH)}, or null to use (and make) one under the data dir
 */
public record AuditSettings(Path dataDir, JdbcSettings jdbc, Duration retention, int queueCapacity, int maxCapture,
        byte[] hashKey) {

    public static final Path DEFAULT_DATA_DIR = Path.of("bulwark-data");
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(90);
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_CAPTURE = 16_384;

    public AuditSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        hashKey = hashKey == null ? null : hashKey.clone();
    }

    public static AuditSettings defaults() {
        return new AuditSettings(DEFAULT_DATA_DIR, null, DEFAULT_RETENTION, DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_CAPTURE,
                null);
    }

    public AuditSettings withDataDir(Path dir) {
        return new AuditSettings(dir, jdbc, retention, queueCapacity, maxCapture, hashKey);
    }

    public AuditSettings withJdbc(JdbcSettings store) {
        return new AuditSettings(dataDir, store, retention, queueCapacity, maxCapture, hashKey);
    }

    public AuditSettings withRetention(Duration keep) {
        return new AuditSettings(dataDir, jdbc, keep, queueCapacity, maxCapture, hashKey);
    }

    public AuditSettings withQueueCapacity(int capacity) {
        return new AuditSettings(dataDir, jdbc, retention, capacity, maxCapture, hashKey);
    }

    @Override
    public byte[] hashKey() {
        return hashKey == null ? null : hashKey.clone();
    }

    @Override
    public String toString() {
        return "AuditSettings[dataDir=" + dataDir + ", jdbc=" + jdbc + ", retention=" + retention + ", queueCapacity="
                + queueCapacity + ", maxCapture=" + maxCapture + ", hashKey=" + (hashKey == null ? "none" : "<hidden>")
                + "]";
    }
}
