package io.bulwark.processor;

import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.ExecutableElement;

/**
 * A method with guards that passed every check: what the index and the generated extractors are made from.
 *
 * @param audit  its {@code @Audited}, or null
 * @param stepUp whether it is {@code @Requires2FA}
 */
record GuardedMethod(ExecutableElement element, String descriptor, List<RateLimitedUse> rateLimits, AuditedUse audit,
        boolean stepUp) {

    String name() {
        return element.getSimpleName().toString();
    }

    /** {@code RateLimited}, {@code Audited}, {@code RateLimited,Requires2FA,Audited}, ...: what the index lists. */
    String kinds() {
        List<String> kinds = new ArrayList<>();
        if (!rateLimits.isEmpty()) {
            kinds.add("RateLimited");
        }
        if (stepUp) {
            kinds.add("Requires2FA");
        }
        if (audit != null) {
            kinds.add("Audited");
        }
        return String.join(",", kinds);
    }
}
