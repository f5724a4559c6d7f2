package io.bulwark.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What makes an {@code @Audited} declaration sound, checked alike by the processor and the runtime; its templates are
 * checked by {@link io.bulwark.rules.key.KeyPlanner}. Not API.
 */
public final class AuditRules {

    public static final Pattern ACTION = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+");
    public static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Za-z0-9._-]{0,64}");

    private AuditRules() {
    }

    public static List<Problem> check(String action, String resourceType) {
        List<Problem> problems = new ArrayList<>();
        if (action.length() > 128 || !ACTION.matcher(action).matches()) {
            problems.add(new Problem("action", Message.ACTION.format(action)));
        }
        if (!RESOURCE_TYPE.matcher(resourceType).matches()) {
            problems.add(new Problem("resourceType", Message.RESOURCE_TYPE.format(resourceType)));
        }
        return problems;
    }
}
