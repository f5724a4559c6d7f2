package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at every exit of a guarded method whose guards settle after the call (failure counting). Anything it
 * throws is suppressed: the method's own return value or exception always stands.
 */
final class Settle {

    private Settle() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@GuardId int guard, @Advice.Enter Object token, @Advice.Thrown Throwable thrown) {
        Dispatch.exit(guard, token, null, thrown);
    }
}
