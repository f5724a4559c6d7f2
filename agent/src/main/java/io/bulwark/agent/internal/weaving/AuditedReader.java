package io.bulwark.agent.internal.weaving;

import io.bulwark.Capture;
import io.bulwark.runtime.guard.AuditSpec;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;

/** Reads {@code @Audited} from a method's class file description, value by value, loading nothing. */
final class AuditedReader {

    static final String AUDITED = "io.bulwark.Audited";

    private AuditedReader() {
    }

    /**
     * The method's {@code @Audited}, or null.
     *
     * @param entry the method's index entry, or null: its generated readers are used when the processor checked it
     */
    static AuditSpec read(MethodDescription method, GuardIndex.Entry entry) {
        for (AnnotationDescription a : method.getDeclaredAnnotations()) {
            if (a.getAnnotationType().getName().equals(AUDITED)) {
                boolean checked = entry != null && entry.kinds().contains("Audited");
                return new AuditSpec(
                        a.getValue("action").resolve(String.class),
                        a.getValue("resourceType").resolve(String.class),
                        a.getValue("resourceId").resolve(String.class),
                        a.getValue("resourceName").resolve(String.class),
                        Capture.valueOf(a.getValue("capture").resolve(EnumerationDescription.class).getValue()),
                        checked ? entry.auditExtractor(0) : null,
                        checked ? entry.auditExtractor(1) : null,
                        checked ? entry.auditExtractor(2) : null,
                        checked);
            }
        }
        return null;
    }
}
