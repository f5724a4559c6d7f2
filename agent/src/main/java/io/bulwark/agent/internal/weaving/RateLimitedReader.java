package io.bulwark.agent.internal.weaving;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.guard.RateLimitSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code @RateLimited} (and its repeatable container) from a method's class file annotations, value by
 * value: nothing is loaded, in particular not the {@code failureOn} exception classes.
 */
final class RateLimitedReader {

    static final String RATE_LIMITED = "io.bulwark.RateLimited";
    static final String RATE_LIMITED_LIST = "io.bulwark.RateLimited$List";

    private RateLimitedReader() {
    }

    static boolean present(List<Annotation> annotations) {
        return Annotation.find(annotations, RATE_LIMITED) != null
                || Annotation.find(annotations, RATE_LIMITED_LIST) != null;
    }

    static List<RateLimitSpec> read(List<Annotation> annotations) {
        List<RateLimitSpec> specs = new ArrayList<>();
        for (Annotation annotation : annotations) {
            if (annotation.type().equals(RATE_LIMITED)) {
                specs.add(spec(annotation));
            } else if (annotation.type().equals(RATE_LIMITED_LIST)) {
                for (Object each : annotation.list("value")) {
                    specs.add(spec((Annotation) each));
                }
            }
        }
        return specs;
    }

    private static RateLimitSpec spec(Annotation a) {
        List<String> failureOn = new ArrayList<>();
        for (Object type : a.list("failureOn")) {
            failureOn.add((String) type);
        }
        return new RateLimitSpec(a.string("name"), (Integer) a.get("limit"), a.string("window"), a.string("key"),
                Count.valueOf(a.string("count")), a.string("lockout"), failureOn, (Boolean) a.get("resetOnSuccess"),
                StoreFailure.valueOf(a.string("onStoreFailure")));
    }
}
