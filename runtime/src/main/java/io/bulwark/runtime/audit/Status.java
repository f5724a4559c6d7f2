package io.bulwark.runtime.audit;

import java.util.Locale;

/** How an audited call ended; stored lower-case ({@code success}, {@code failure}, {@code denied}). */
public enum Status {

    /** The method returned. */
    SUCCESS,

    /** The method threw. */
    FAILURE,

    /** Another guard on the method refused the call before its body ran. */
    DENIED;

    /** The stored form. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but the three stored forms */
    public static Status of(String text) {
        return switch (text) {
            case "success" -> SUCCESS;
            case "failure" -> FAILURE;
            case "denied" -> DENIED;
            default -> throw new IllegalArgumentException("not an audit status: expected success, failure or denied");
        };
    }
}
