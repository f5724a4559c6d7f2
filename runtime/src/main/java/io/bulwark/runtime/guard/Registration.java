package io.bulwark.runtime.guard;

/**
 * What the agent weaves for a registered method.
 *
 * @param id             the constant the woven code passes to the dispatch bridge
 * @param readsArguments whether the woven code must pass the arguments (else it passes {@code null})
 * @param settles        whether the woven code must call back when the method ends
 * @param needsResult    whether that call back must carry the returned value ({@code capture = ARGS_AND_RESULT})
 * @param argument       the index of the one argument the guards read when they read no other, which the woven code
 *                       may then pass alone ({@code Dispatch.enterArgument}); -1 when it must pass them all, or none
 */
public record Registration(int id, boolean readsArguments, boolean settles, boolean needsResult, int argument) {

    /** A method whose guards read all of its arguments or none. */
    public Registration(int id, boolean readsArguments, boolean settles, boolean needsResult) {
        this(id, readsArguments, settles, needsResult, -1);
    }
}
