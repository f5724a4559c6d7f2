package io.bulwark.internal.key;

/**
 * A parameter of a guarded method as the class file (or the source) describes it. Not API.
 *
 * @param name its name, or {@code null} when the class file does not record it (compiled without
 *             {@code -parameters} or {@code -g})
 * @param type its binary type name: {@code java.lang.String}, {@code int}, {@code com.acme.Request}
 */
public record Parameter(String name, String type) {
}
