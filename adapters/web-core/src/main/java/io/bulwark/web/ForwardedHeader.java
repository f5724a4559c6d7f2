package io.bulwark.web;

/**
 * Which header a trusted proxy writes the client's address into. Only one is read: a proxy that appends to
 * {@code X-Forwarded-For} passes a client's own {@code Forwarded} header through untouched, so reading both would
 * let a client choose its address.
 */
public enum ForwardedHeader {

    /** {@code X-Forwarded-For: client, proxy1, proxy2} (nginx, HAProxy, Envoy, AWS and most load balancers). */
    X_FORWARDED_FOR("X-Forwarded-For"),

    /** RFC 7239 {@code Forwarded: for=client;proto=https, for="[2001:db8::1]:4711"}. */
    FORWARDED("Forwarded");

    private final String headerName;

    ForwardedHeader(String headerName) {
        this.headerName = headerName;
    }

    public String headerName() {
        return headerName;
    }

    /** The constant for a header name, in any case; null for anything else. */
    static ForwardedHeader named(String name) {
        for (ForwardedHeader header : values()) {
            if (header.headerName.equalsIgnoreCase(name.strip())) {
                return header;
            }
        }
        return null;
    }
}
