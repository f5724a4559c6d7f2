package io.bulwark.samples;

import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Just enough JSON for the sample's answers. */
final class Json {

    private Json() {
    }

    static String object(Map<String, ?> fields) {
        StringJoiner out = new StringJoiner(",", "{", "}");
        fields.forEach((k, v) -> out.add(string(k) + ":" + value(v)));
        return out.toString();
    }

    private static String value(Object v) {
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            StringJoiner out = new StringJoiner(",", "[", "]");
            list.forEach(e -> out.add(value(e)));
            return out.toString();
        }
        return string(String.valueOf(v));
    }

    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
