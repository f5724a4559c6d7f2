package io.bulwark.web;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Header hygiene: what goes into a {@link io.bulwark.Caller} from a header is one bounded, printable ASCII value, or
 * nothing. A value that breaks a rule is ignored rather than cleaned up: a cleaned-up value would be a different
 * identity than the one sent, and a request with two {@code X-User} lines (or one with a comma, which is how
 * proxies merge duplicates) names no one for sure.
 */
final class HeaderValues {

    /** Identifiers (user, org, request id): visible ASCII without commas, at most 128 characters. */
    private static final Pattern IDENTIFIER = Pattern.compile("[\\x21-\\x2b\\x2d-\\x7e]{1,128}");
    /** Free text (User-Agent): printable ASCII and spaces, at most 512 characters. */
    private static final Pattern TEXT = Pattern.compile("[\\x20-\\x7e]{1,512}");
    /** An HTTP header name (RFC 9110 token). */
    private static final Pattern NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}");

    private HeaderValues() {
    }

    /** The one value of a header if it is a safe identifier; null when absent, repeated or unsafe. */
    static String identifier(List<String> values) {
        return single(values, IDENTIFIER);
    }

    /** The one value of a header if it is safe printable text; null when absent, repeated or unsafe. */
    static String text(List<String> values) {
        return single(values, TEXT);
    }

    private static String single(List<String> values, Pattern rule) {
        if (values.size() != 1) {
            return null;
        }
        String value = values.get(0).strip();
        return rule.matcher(value).matches() ? value : null;
    }

    /** Whether an identifier from elsewhere (a request attribute) follows the same rule. */
    static boolean isIdentifier(String value) {
        return value != null && IDENTIFIER.matcher(value).matches();
    }

    static boolean isHeaderName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
