package io.bulwark.runtime.guard;

import io.bulwark.Capture;
import io.bulwark.ErrorDetail;

/**
 * One {@code @Audited} as the agent read it from the class file, with what the processor's index adds.
 *
 * @param resourceIdExtractor   {@code com.acme.Auth_BulwarkKeys#res0}: the generated reader of the resource id, or null
 * @param resourceNameExtractor likewise for the resource name
 * @param argumentsCapture      {@code com.acme.Auth_BulwarkKeys#args0}: the generated argument capture, or null
 * @param checked               the processor checked this declaration (its secret-name rule, with the user's
 *                              suppressions): the runtime does not second-guess which parameters to mask
 * @param errors                what a failure records of its exception
 */
public record AuditSpec(String action, String resourceType, String resourceId, String resourceName, Capture capture,
        String resourceIdExtractor, String resourceNameExtractor, String argumentsCapture, boolean checked,
        ErrorDetail errors) {

    /** A declaration found without the processor. */
    public AuditSpec(String action, String resourceType, String resourceId, String resourceName, Capture capture) {
        this(action, resourceType, resourceId, resourceName, capture, null, null, null, false, ErrorDetail.MESSAGE);
    }

    /** A declaration found without the processor, recording {@code errors} of a failure. */
    public AuditSpec(String action, String resourceType, String resourceId, String resourceName, Capture capture,
            ErrorDetail errors) {
        this(action, resourceType, resourceId, resourceName, capture, null, null, null, false, errors);
    }
}
