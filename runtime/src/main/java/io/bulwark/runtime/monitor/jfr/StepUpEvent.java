package io.bulwark.runtime.monitor.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("bulwark.StepUp")
@Label("Step-Up")
@Category({"Bulwark", "Two-Factor"})
@Description("A @Requires2FA method checked its caller's second factor; at most 100 passes and 100 refusals a second "
        + "are recorded, the rest counted in the next one's 'suppressed'")
@StackTrace(false)
final class StepUpEvent extends jdk.jfr.Event {

    @Label("Outcome")
    @Description("fresh, verified, missing, expired, invalid, throttled, locked, not_enrolled or error")
    String outcome;

    @Label("Suppressed")
    long suppressed;
}
