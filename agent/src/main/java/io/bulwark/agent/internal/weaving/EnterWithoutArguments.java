package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of a guarded method whose guards read no argument: no array is built per call. */
final class EnterWithoutArguments {

    private EnterWithoutArguments() {
    }

    @Advice.OnMethodEnter
    static Object enter(@GuardId int guard) {
        return Dispatch.enter(guard, null);
    }
}
