package io.bulwark.agent.internal.weaving;

import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.named;

import io.bulwark.Count;
import io.bulwark.StoreFailure;
import io.bulwark.runtime.guard.RateLimitSpec;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Reads {@code @RateLimited} (and its repeatable container) from a method's class file description, value by
 * value: nothing is loaded, in particular not the {@code failureOn} exception classes.
 */
final class RateLimitedReader {

    static final String RATE_LIMITED = "io.bulwark.RateLimited";
    static final String RATE_LIMITED_LIST = "io.bulwark.RateLimited$List";

    private RateLimitedReader() {
    }

    /** Methods that carry {@code @RateLimited}, once or repeated. */
    static ElementMatcher.Junction<MethodDescription> rateLimited() {
        return isAnnotatedWith(named(RATE_LIMITED)).or(isAnnotatedWith(named(RATE_LIMITED_LIST)));
    }

    /** Methods that carry any Bulwark guard. */
    static ElementMatcher.Junction<MethodDescription> guarded() {
        return rateLimited().or(isAnnotatedWith(named(AuditedReader.AUDITED)))
                .or(isAnnotatedWith(named(Requires2FAReader.REQUIRES_2FA)));
    }

    static List<RateLimitSpec> read(MethodDescription method) {
        List<RateLimitSpec> specs = new ArrayList<>();
        for (AnnotationDescription annotation : method.getDeclaredAnnotations()) {
            String name = annotation.getAnnotationType().getName();
            if (name.equals(RATE_LIMITED)) {
                specs.add(spec(annotation));
            } else if (name.equals(RATE_LIMITED_LIST)) {
                for (AnnotationDescription each : annotation.getValue("value").resolve(AnnotationDescription[].class)) {
                    specs.add(spec(each));
                }
            }
        }
        return specs;
    }

    private static RateLimitSpec spec(AnnotationDescription a) {
        List<String> failureOn = new ArrayList<>();
        for (TypeDescription type : a.getValue("failureOn").resolve(TypeDescription[].class)) {
            failureOn.add(type.getName());
        }
        return new RateLimitSpec(
                a.getValue("name").resolve(String.class),
                a.getValue("limit").resolve(Integer.class),
                a.getValue("window").resolve(String.class),
                a.getValue("key").resolve(String.class),
                Count.valueOf(a.getValue("count").resolve(EnumerationDescription.class).getValue()),
                a.getValue("lockout").resolve(String.class),
                failureOn,
                a.getValue("resetOnSuccess").resolve(Boolean.class),
                StoreFailure.valueOf(a.getValue("onStoreFailure").resolve(EnumerationDescription.class).getValue()));
    }
}
