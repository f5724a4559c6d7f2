package io.bulwark.runtime.audit.json;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One text for one JSON value, whoever wrote it: the audit chain hashes this form, and the verifier gets it back from
 * whatever PostgreSQL's {@code jsonb} returns (which reorders keys, respaces and rewrites numbers). Compact; object
 * keys in {@code jsonb}'s own order (shorter first, then by UTF-8 bytes) with the last of duplicates kept, as
 * {@code jsonb} keeps it; numbers in plain decimal notation with their scale ({@code 1e2} is {@code 100},
 * {@code 1.50} stays {@code 1.50}, as {@code numeric} keeps it).
 *
 * <p>The parser is strict and bounded (depth, size): it reads only what Bulwark wrote and what PostgreSQL returns.
 */
public final class CanonicalJson {

    private static final int MAX_DEPTH = 64;
    /** Shorter first, then by UTF-8 bytes; for ASCII keys (nearly all) that is length, then char order. */
    private static final Comparator<String> JSONB_KEY_ORDER = (a, b) -> {
        if (ascii(a) && ascii(b)) {
            return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        }
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    };

    private final String text;
    private int at;

    private CanonicalJson(String text) {
        this.text = text;
    }

    /**
     * The canonical form of {@code json}.
     *
     * @throws IllegalArgumentException when it is not JSON, saying where
     */
    public static String canonical(String json) {
        if (json == null) {
            return null;
        }
        if (CanonicalCheck.isCanonical(json)) {
            // What the capture writes, nearly always: kept as it is (see CanonicalCheck for why and the measurement).
            return json;
        }
        return reparse(json);
    }

    /** The canonical form by the full parse, whatever {@code json} looks like. */
    static String reparse(String json) {
        CanonicalJson parser = new CanonicalJson(json);
        Object value = parser.value(0);
        parser.space();
        if (parser.at != json.length()) {
            throw parser.error("text after the value");
        }
        StringBuilder out = new StringBuilder(json.length());
        write(out, value);
        return out.toString();
    }

    /** Parses {@code json} into maps (insertion order), lists, strings, {@link BigDecimal}s, booleans and nulls. */
    public static Object parse(String json) {
        CanonicalJson parser = new CanonicalJson(json);
        Object value = parser.value(0);
        parser.space();
        if (parser.at != json.length()) {
            throw parser.error("text after the value");
        }
        return value;
    }

    private static void write(StringBuilder out, Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            JsonText.quote(out, s, 0, s.length());
        } else if (value instanceof BigDecimal d) {
            out.append(plain(d));
        } else if (value instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(out, list.get(i));
            }
            out.append(']');
        } else {
            Map<?, ?> map = (Map<?, ?>) value;
            List<String> keys = new ArrayList<>();
            for (Object key : map.keySet()) {
                keys.add((String) key);
            }
            keys.sort(JSONB_KEY_ORDER);
            out.append('{');
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                JsonText.quote(out, keys.get(i), 0, keys.get(i).length());
                out.append(':');
                write(out, map.get(keys.get(i)));
            }
            out.append('}');
        }
    }

    /** {@code numeric}'s text: plain notation, scale kept, no negative zero. */
    static String plain(BigDecimal d) {
        String plain = d.signum() == 0 ? d.abs().toPlainString() : d.toPlainString();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : plain;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH);
        }
        space();
        if (at >= text.length()) {
            throw error("a value was expected");
        }
        char c = text.charAt(at);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || c >= '0' && c <= '9') {
                    return number();
                }
                throw error("unexpected '" + c + "'");
        }
    }

    private Map<String, Object> object(int depth) {
        at++;
        Map<String, Object> map = new LinkedHashMap<>();
        space();
        if (peek('}')) {
            at++;
            return map;
        }
        while (true) {
            space();
            if (!peek('"')) {
                throw error("a key was expected");
            }
            String key = string();
            space();
            expect(':');
            map.remove(key);
            map.put(key, value(depth + 1));
            space();
            if (peek(',')) {
                at++;
            } else {
                expect('}');
                return map;
            }
        }
    }

    private List<Object> array(int depth) {
        at++;
        List<Object> list = new ArrayList<>();
        space();
        if (peek(']')) {
            at++;
            return list;
        }
        while (true) {
            list.add(value(depth + 1));
            space();
            if (peek(',')) {
                at++;
            } else {
                expect(']');
                return list;
            }
        }
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private String string() {
        at++;
        // Most strings hold no escape: take them whole, without a builder.
        for (int end = at; end < text.length(); end++) {
            char c = text.charAt(end);
            if (c == '"') {
                String plain = text.substring(at, end);
                at = end + 1;
                return plain;
            }
            if (c == '\\' || c < 0x20) {
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                if (at >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        int code = 0;
                        for (int i = 0; i < 4; i++) {
                            int d = Character.digit(text.charAt(at++), 16);
                            if (d < 0) {
                                throw error("bad \\u escape");
                            }
                            code = code << 4 | d;
                        }
                        out.append((char) code);
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            } else if (c < 0x20) {
                throw error("control character in a string");
            } else {
                out.append(c);
            }
        }
    }

    private BigDecimal number() {
        int start = at;
        if (peek('-')) {
            at++;
        }
        while (at < text.length() && "0123456789.eE+-".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        try {
            BigDecimal d = new BigDecimal(text.substring(start, at));
            // An exponent this large is not something Bulwark writes; expanding it would be a memory bomb.
            if (Math.abs((long) d.precision() - d.scale()) > 1_000 || d.scale() > 1_000) {
                throw error("number out of range");
            }
            return d;
        } catch (NumberFormatException e) {
            throw error("malformed number");
        }
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected text");
        }
        at += word.length();
        return value;
    }

    private void space() {
        while (at < text.length() && " \t\n\r".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private boolean peek(char c) {
        return at < text.length() && text.charAt(at) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "' was expected");
        }
        at++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("not JSON: " + what + " at offset " + at);
    }
}
