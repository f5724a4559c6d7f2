package io.bulwark.processor;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.rules.key.KeyPlan;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @RateLimited} as written in the source, with the mirror diagnostics point at.
 *
 * @param name the policy name, defaulted to {@code Class.method} as the runtime defaults it
 * @param plan the resolved key template, or null when it does not resolve
 */
record RateLimitedUse(AnnotationMirror mirror, String name, int limit, String window, String key, Count count,
        String lockout, List<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure, KeyPlan plan) {
}
