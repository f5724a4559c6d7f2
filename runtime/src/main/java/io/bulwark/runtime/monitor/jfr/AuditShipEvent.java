package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("bulwark.AuditShip")
@Label("Audit Batch Shipped")
@Category({"Bulwark", "Audit"})
@Description("A batch of audit events was committed in PostgreSQL")
@StackTrace(false)
final class AuditShipEvent extends jdk.jfr.Event {

    @Label("Events")
    int events;

    @Label("Time")
    @Description("from the batch's start to its commit")
    @Timespan(Timespan.NANOSECONDS)
    long time;

    @Label("Backlog")
    @Description("events of this JVM still waiting in the journal for PostgreSQL")
    long backlog;
}
