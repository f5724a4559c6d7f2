package io.bulwark.runtime.guard;

/**
 * What the agent weaves for a registered method.
 *
 * @param id             the constant the woven code passes to the dispatch bridge
 * @param readsArguments whether the woven code must pass the arguments (else it passes {@code null})
 * @param settles        whether the woven code must call back when the method ends
 * @param needsResult    whether that call back must carry the returned value ({@code capture = ARGS_AND_RESULT})
 */
public record Registration(int id, boolean readsArguments, boolean settles, boolean needsResult) {
}
