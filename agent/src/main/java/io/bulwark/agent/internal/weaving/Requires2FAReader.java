package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.guard.TwoFactorSpec;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;

/** Reads {@code @Requires2FA} from a method's class file description, loading nothing. */
final class Requires2FAReader {

    static final String REQUIRES_2FA = "io.bulwark.Requires2FA";

    private Requires2FAReader() {
    }

    /** The method's {@code @Requires2FA}, or null. */
    static TwoFactorSpec read(MethodDescription method) {
        for (AnnotationDescription a : method.getDeclaredAnnotations()) {
            if (a.getAnnotationType().getName().equals(REQUIRES_2FA)) {
                return new TwoFactorSpec(a.getValue("maxAge").resolve(String.class));
            }
        }
        return null;
    }
}
