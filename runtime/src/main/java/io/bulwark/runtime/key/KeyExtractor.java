package io.bulwark.runtime.key;

/**
 * Renders a policy's key for one call. Compiled once per method by {@link KeyCompiler}; no parsing, lookup
 * or reflection per call.
 */
@FunctionalInterface
public interface KeyExtractor {

    /** The key for the empty template: one counter for everybody. */
    KeyExtractor GLOBAL = args -> "";

    /**
     * @param args the method's arguments ({@code null} when the template reads none)
     * @throws io.bulwark.GuardUnavailableException when a property cannot be read
     */
    String extract(Object[] args);

    /** Whether {@link #extract} reads the arguments. */
    default boolean readsArguments() {
        return false;
    }
}
