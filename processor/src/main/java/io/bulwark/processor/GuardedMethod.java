package io.bulwark.processor;

import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * A method with guards that passed every check: what the index and the generated extractors are made from.
 *
 * @param audit its {@code @Audited}, or null
 */
record GuardedMethod(ExecutableElement element, String descriptor, List<RateLimitedUse> rateLimits, AuditedUse audit) {

    String name() {
        return element.getSimpleName().toString();
    }

    /** {@code RateLimited}, {@code Audited} or {@code RateLimited,Audited}: the guards the index lists. */
    String kinds() {
        return rateLimits.isEmpty() ? "Audited" : audit == null ? "RateLimited" : "RateLimited,Audited";
    }
}
