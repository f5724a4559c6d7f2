package io.bulwark.agent.internal.weaving;

import io.bulwark.runtime.guard.TwoFactorSpec;
import java.util.List;

/** Reads {@code @Requires2FA} from a method's class file annotations, loading nothing. */
final class Requires2FAReader {

    static final String REQUIRES_2FA = "io.bulwark.Requires2FA";

    private Requires2FAReader() {
    }

    /** The method's {@code @Requires2FA}, or null. */
    static TwoFactorSpec read(List<Annotation> annotations) {
        Annotation a = Annotation.find(annotations, REQUIRES_2FA);
        return a == null ? null : new TwoFactorSpec(a.string("maxAge"));
    }
}
