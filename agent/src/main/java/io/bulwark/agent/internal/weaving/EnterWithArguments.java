package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import net.bytebuddy.asm.Advice;

/** Inlined at the start of a guarded method whose guards read its arguments. */
final class EnterWithArguments {

    private EnterWithArguments() {
    }

    @Advice.OnMethodEnter
    static Object enter(@GuardId int guard, @Advice.AllArguments Object[] arguments) {
        return Dispatch.enter(guard, arguments);
    }
}
