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

    /**
     * For a template of exactly one value ({@code {email}}, {@code {caller.user}}): that value's text, unframed, or
     * null when it is null. What the in-memory engine keys its cells by, so that the common key costs no string
     * building. The default unframes {@link #extract}.
     */
    default String text(Object[] args) {
        String framed = extract(args);
        return framed.equals("-") ? null : framed.substring(framed.indexOf(':') + 1);
    }

    /**
     * The index of the one argument this key reads when it reads nothing else (no caller field, no other argument);
     * else -1. The woven code may then pass that argument alone ({@link #extractArgument}, {@link #textOfArgument}).
     */
    default int argument() {
        return -1;
    }

    /** {@link #extract}, given only the argument {@link #argument} names. */
    default String extractArgument(Object argument) {
        throw new UnsupportedOperationException("this key reads no single argument");
    }

    /** {@link #text}, given only the argument {@link #argument} names. */
    default String textOfArgument(Object argument) {
        String framed = extractArgument(argument);
        return framed.equals("-") ? null : framed.substring(framed.indexOf(':') + 1);
    }

    /** Whether {@link #extract} reads the arguments. */
    default boolean readsArguments() {
        return false;
    }
}
