package io.bulwark.samples;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Reading forms and writing JSON over the JDK's HTTP server. */
final class Http {

    /** Forms larger than this are refused: a login form is a few dozen bytes. */
    static final int MAX_FORM_BYTES = 8 * 1024;
    /**
     * What is read and dropped of a refused body so that the client gets its 413: closing a socket with unread
     * input makes TCP reset it, and the client may lose the answer. Past this, the connection is just closed.
     */
    private static final long MAX_DRAINED_BYTES = 1024 * 1024;

    private Http() {
    }

    /** The form fields of a request body, or {@code null} when it is too large. */
    static Map<String, String> form(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_FORM_BYTES + 1);
            if (body.length > MAX_FORM_BYTES) {
                byte[] sink = new byte[16 * 1024];
                long drained = body.length;
                for (int n = in.read(sink); n >= 0 && drained < MAX_DRAINED_BYTES; n = in.read(sink)) {
                    drained += n;
                }
                return null;
            }
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    fields.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException malformed) {
                    // a broken %-escape: the field is ignored
                }
            }
        }
        return fields;
    }

    static void send(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
