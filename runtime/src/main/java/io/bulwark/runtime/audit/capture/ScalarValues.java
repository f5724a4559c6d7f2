package io.bulwark.runtime.audit.capture;

import io.bulwark.runtime.audit.json.JsonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.time.Period;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.util.UUID;

/**
 * The values a {@link ValueWriter} writes as themselves: null, strings, booleans, numbers, enums (by name), UUIDs,
 * {@code java.time} values, the lengths of {@code char[]} and {@code byte[]}, and URIs and URLs without their
 * secrets.
 */
final class ScalarValues {

    private ScalarValues() {
    }

    /** Writes the value when it is of a scalar kind; false (nothing written) when it is not. */
    static boolean write(JsonCursor json, Object value) {
        StringBuilder out = json.out;
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            json.string(s);
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                out.append(new BigDecimal(value.toString()).toPlainString());
            } else {
                JsonText.quote(out, value.toString());
            }
        } else if (value instanceof BigDecimal d) {
            if (Math.abs((long) d.precision() - d.scale()) > 100 || d.scale() > 100) {
                JsonText.quote(out, d.toString());
            } else {
                out.append(d.toPlainString());
            }
        } else if (value instanceof Enum<?> e) {
            json.string(e.name());
        } else if (value instanceof Character || value instanceof UUID || value instanceof TemporalAccessor
                && value.getClass().getName().startsWith("java.time.") || value instanceof Duration
                || value instanceof Period || value instanceof ZoneId) {
            json.string(value.toString());
        } else if (value instanceof char[] chars) {
            out.append("{\"_chars\":").append(chars.length).append('}');
        } else if (value instanceof byte[] bytes) {
            out.append("{\"_bytes\":").append(bytes.length).append('}');
        } else if (value instanceof URI uri) {
            json.string(withoutSecrets(uri));
        } else if (value instanceof URL url) {
            json.string(url.getProtocol() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                    + url.getPath());
        } else {
            return false;
        }
        return true;
    }

    /** A map key's text, or null for a key of a kind that is left out (its {@code toString()} is not called). */
    static String keyText(Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Enum<?> e) {
            return e.name();
        }
        if (key instanceof Number || key instanceof Character || key instanceof Boolean || key instanceof UUID) {
            return key.toString();
        }
        return null;
    }

    private static String withoutSecrets(URI uri) {
        if (uri.isOpaque()) {
            return uri.getScheme() + ":[opaque]";
        }
        StringBuilder s = new StringBuilder();
        if (uri.getScheme() != null) {
            s.append(uri.getScheme()).append(':');
        }
        if (uri.getHost() != null) {
            s.append("//").append(uri.getHost());
            if (uri.getPort() >= 0) {
                s.append(':').append(uri.getPort());
            }
        }
        if (uri.getRawPath() != null) {
            s.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            s.append("?[query left out]");
        }
        return s.toString();
    }
}
