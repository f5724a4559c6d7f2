package io.bulwark.runtime.guard;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import java.util.List;

/**
 * A {@code @RateLimited} annotation's values exactly as written, before any checking.
 *
 * @param failureOn fully qualified names of the exception classes
 */
public record RateLimitSpec(String name, int limit, String window, String key, Count count, String lockout,
        List<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure) {

    public RateLimitSpec {
        failureOn = List.copyOf(failureOn);
    }
}
