package io.bulwark;

import java.util.Map;

/**
 * The root of every exception Bulwark throws into an application. Each one knows the HTTP answer it stands
 * for, so an adapter maps any of them in one line:
 *
 * <pre>{@code
 * } catch (BulwarkException e) {
 *     e.httpHeaders().forEach(response::setHeader);
 *     response.sendError(e.httpStatus(), e.getMessage());
 * }
 * }</pre>
 *
 * <p>Messages never carry key values, arguments or secrets: they are safe to log and to show a client.
 */
public abstract class BulwarkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected BulwarkException(String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
    }

    /** The HTTP status code this refusal stands for. */
    public abstract int httpStatus();

    /** The HTTP headers to send with it, in a stable order; unmodifiable, possibly empty. */
    public abstract Map<String, String> httpHeaders();
}
