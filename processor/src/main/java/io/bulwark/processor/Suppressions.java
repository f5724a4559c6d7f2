package io.bulwark.processor;

import javax.lang.model.element.Element;

/**
 * {@code @SuppressWarnings("bulwark:<name>")} on an element or anything enclosing it (method, class, outer class), as
 * javac honours its own warning names.
 */
final class Suppressions {

    static final String UNREDACTED = "bulwark:unredacted";
    static final String REDACT = "bulwark:redact";

    private Suppressions() {
    }

    static boolean suppressed(Element element, String name) {
        for (Element e = element; e != null; e = e.getEnclosingElement()) {
            SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
            if (suppress != null) {
                for (String value : suppress.value()) {
                    if (value.equals(name)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
