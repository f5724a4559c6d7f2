package io.bulwark.agent.internal.weaving;

import io.bulwark.internal.Dispatch;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * {@link Settle} for a method whose audit records its result ({@code capture = ARGS_AND_RESULT}): the returned value
 * is passed along, boxed when primitive, null for {@code void}. Woven only there, so no other method pays the boxing.
 */
final class SettleWithResult {

    private SettleWithResult() {
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@GuardId int guard, @Advice.Enter Object token,
            @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result, @Advice.Thrown Throwable thrown) {
        Dispatch.exit(guard, token, result, thrown);
    }
}
