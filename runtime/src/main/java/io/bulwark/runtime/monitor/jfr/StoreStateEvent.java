package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("bulwark.StoreState")
@Label("Store State")
@Category({"Bulwark"})
@Description("Redis, PostgreSQL or the audit journal went away or came back")
@StackTrace(false)
final class StoreStateEvent extends jdk.jfr.Event {

    @Label("Store")
    @Description("redis, postgresql or journal")
    String store;

    @Label("Available")
    boolean available;

    @Label("Reason")
    String reason;
}
