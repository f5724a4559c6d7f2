package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

@Name("bulwark.RateLimitCounts")
@Label("Rate Limit Counts")
@Category({"Bulwark", "Rate Limiting"})
@Description("Calls a @RateLimited policy has admitted since the agent started, one event per policy every second; "
        + "refusals are bulwark.RateLimitDecision events")
@StackTrace(false)
@Period("1 s")
final class RateLimitCountsEvent extends jdk.jfr.Event {

    @Label("Policy")
    String policy;

    @Label("Allowed")
    @Description("calls admitted within the limit")
    long allowed;

    @Label("Allowed Without Store")
    @Description("calls admitted by the policy's onStoreFailure while Redis could not answer")
    long allowedWithoutStore;
}
