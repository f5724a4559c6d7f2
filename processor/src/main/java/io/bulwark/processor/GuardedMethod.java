package io.bulwark.processor;

import java.util.List;
import javax.lang.model.element.ExecutableElement;

/** A method with guards that passed every check: what the index and the generated extractors are made from. */
record GuardedMethod(ExecutableElement element, String descriptor, List<RateLimitedUse> rateLimits) {

    String name() {
        return element.getSimpleName().toString();
    }
}
