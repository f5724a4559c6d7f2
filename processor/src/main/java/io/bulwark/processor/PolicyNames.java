package io.bulwark.processor;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.internal.Durations;
import io.bulwark.rules.DurationSyntax;
import io.bulwark.rules.Message;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Policy names across one compilation. Methods that name the same policy share its counters, so they must declare
 * it alike (compared as the runtime compares them: "5m" and "300s" are the same window); a different declaration
 * under a name already used is an error at the later one.
 */
final class PolicyNames {

    private record Definition(int limit, Duration window, String key, Count count, Duration lockout,
            Set<String> failureOn, boolean resetOnSuccess, StoreFailure onStoreFailure) {
    }

    private record Declared(Definition definition, String method, String description) {
    }

    private final Map<String, Declared> declared = new HashMap<>();

    /** Null when {@code use} agrees with earlier uses of its name, else the message to report. */
    String conflict(RateLimitedUse use, String method) {
        Definition definition = new Definition(use.limit(), DurationSyntax.parse(use.window()), use.key(), use.count(),
                use.lockout().isEmpty() ? Duration.ZERO : DurationSyntax.parse(use.lockout()),
                Set.copyOf(use.failureOn()), use.resetOnSuccess(), use.onStoreFailure());
        Declared earlier = declared.putIfAbsent(use.name(), new Declared(definition, method, describe(use)));
        if (earlier == null || earlier.definition().equals(definition)) {
            return null;
        }
        return Message.POLICY_DECLARED_DIFFERENTLY.format(use.name(), earlier.method(), earlier.description());
    }

    private static String describe(RateLimitedUse use) {
        String text = use.limit() + (use.count() == Count.FAILURES ? " failures per " : " per ")
                + Durations.format(DurationSyntax.parse(use.window()));
        if (!use.lockout().isEmpty()) {
            text += ", then locked " + Durations.format(DurationSyntax.parse(use.lockout()));
        }
        return text + ", key '" + use.key() + "'";
    }
}
