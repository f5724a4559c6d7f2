package io.bulwark.monitoring;

/**
 * A batch of audit events committed in PostgreSQL.
 *
 * @param events     how many
 * @param nanos      from the batch's start to its commit, in nanoseconds
 * @param backlog    events of this JVM still waiting in the journal for PostgreSQL after this batch
 */
public record AuditShipped(int events, long nanos, long backlog) {
}
