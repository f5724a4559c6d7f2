package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("bulwark.RateLimitDecision")
@Label("Rate Limit Decision")
@Category({"Bulwark", "Rate Limiting"})
@Description("A @RateLimited policy refused a call (or would have, in shadow mode, or could not decide); at most 100 a "
        + "second per policy of a method are recorded, the rest counted in the next one's 'suppressed'. Admitted calls "
        + "are counted in bulwark.RateLimitCounts")
@StackTrace(false)
final class RateLimitDecisionEvent extends jdk.jfr.Event {

    @Label("Policy")
    String policy;

    @Label("Outcome")
    @Description("allowed, denied, shadow_denied or error")
    String outcome;

    @Label("Reason")
    @Description("within_limit, limit_exceeded, locked_out or store_unavailable")
    String reason;

    @Label("Store")
    String store;

    @Label("Store Latency")
    @Description("how long Redis took to answer; 0 for checks in memory, which are not timed")
    @Timespan(Timespan.NANOSECONDS)
    long storeLatency;

    @Label("Suppressed")
    @Description("decisions of the same kind (admitted or refused) for this policy not recorded just before this one")
    long suppressed;
}
