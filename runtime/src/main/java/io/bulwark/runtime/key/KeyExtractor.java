package io.bulwark.runtime.key;

/**
 * Renders a policy's key for one call. Compiled once per method by {@link KeyCompiler}; no parsing, lookup
 * or reflection per call.
 */
@FunctionalInterface
public interface KeyExtractor {

    /**
     * The key for the empty template: one counter for everybody. A class, not a lambda: it is created when the first
     * guard registers, often while the application starts (see "Agent startup" in benchmarks/README.md).
     */
    KeyExtractor GLOBAL = new KeyExtractor() {
        @Override
        public String extract(Object[] args) {
            return "";
        }
    };

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
