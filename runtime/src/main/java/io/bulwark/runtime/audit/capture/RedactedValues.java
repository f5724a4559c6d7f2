package io.bulwark.runtime.audit.capture;

import io.bulwark.Redact;
import io.bulwark.runtime.audit.json.JsonText;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What a {@link ValueWriter} writes for a value marked {@link Redact}: the mask, or the keyed hash of its text; and
 * the text a redacted value would show in a message, to be cut out of one.
 */
final class RedactedValues {

    private RedactedValues() {
    }

    static void write(JsonCursor json, Redactor redactor, Redact.Mode mode, Object value) {
        if (mode == Redact.Mode.HASH && value != null) {
            JsonText.quote(json.out, hash(redactor, value));
        } else if (mode == Redact.Mode.HASH) {
            json.out.append("null");
        } else {
            JsonText.quote(json.out, Redactor.MASK);
        }
    }

    /**
     * The text a redacted value would show in a message (a string's, a {@code char[]}'s, a number's or a UUID's), or
     * null when it has none that can be looked for.
     */
    static String secretText(Object value) {
        String text = value instanceof CharSequence cs ? cs.toString()
                : value instanceof char[] chars ? new String(chars)
                : value instanceof Number || value instanceof UUID ? value.toString() : null;
        return text == null || text.isEmpty() ? null : text;
    }

    /** The keyed hash of a value's text: a string's characters, an array's bytes, or its unredacted capture. */
    private static String hash(Redactor redactor, Object value) {
        if (value instanceof CharSequence s) {
            return redactor.hash(s.toString());
        }
        if (value instanceof char[] chars) {
            return redactor.hash(StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(chars)).array());
        }
        if (value instanceof byte[] bytes) {
            return redactor.hash(bytes);
        }
        ValueWriter plain = new ValueWriter(Integer.MAX_VALUE, redactor);
        plain.writeValue(value, 0);
        return redactor.hash(plain.json.out.toString());
    }
}
