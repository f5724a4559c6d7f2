package io.bulwark.agent.internal.weaving;

import io.bulwark.Capture;
import io.bulwark.ErrorDetail;
import io.bulwark.runtime.guard.AuditSpec;
import java.util.List;

/** Reads {@code @Audited} from a method's class file annotations, value by value, loading nothing. */
final class AuditedReader {

    static final String AUDITED = "io.bulwark.Audited";

    private AuditedReader() {
    }

    /**
     * The method's {@code @Audited}, or null.
     *
     * @param entry the method's index entry, or null: its generated readers are used when the processor checked it
     */
    static AuditSpec read(List<Annotation> annotations, GuardIndex.Entry entry) {
        Annotation a = Annotation.find(annotations, AUDITED);
        if (a == null) {
            return null;
        }
        boolean checked = entry != null && entry.kinds().contains("Audited");
        return new AuditSpec(a.string("action"), a.string("resourceType"), a.string("resourceId"),
                a.string("resourceName"), Capture.valueOf(a.string("capture")),
                checked ? entry.auditExtractor(0) : null,
                checked ? entry.auditExtractor(1) : null,
                checked ? entry.auditExtractor(2) : null,
                checked, ErrorDetail.valueOf(a.string("errors")));
    }
}
