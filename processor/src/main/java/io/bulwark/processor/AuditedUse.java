package io.bulwark.processor;

import io.bulwark.Capture;
import io.bulwark.Redact;
import io.bulwark.rules.key.KeyPlan;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;

/**
 * One {@code @Audited} as written in the source, checked.
 *
 * @param resourceId   the resolved resource id template, or null when it is empty
 * @param resourceName likewise
 * @param redactions   per parameter, how it is captured: its {@code @Redact} mode, or null for as is (a secret-looking
 *                     name the user suppressed the check for is captured as is, as they asked)
 */
record AuditedUse(AnnotationMirror mirror, String action, String resourceType, KeyPlan resourceId,
        KeyPlan resourceName, Capture capture, List<Redact.Mode> redactions) {

    boolean capturesValues() {
        return capture == Capture.ARGS || capture == Capture.ARGS_AND_RESULT;
    }
}
