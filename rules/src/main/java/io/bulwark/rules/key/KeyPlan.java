package io.bulwark.rules.key;

import java.util.List;

/**
 * A template resolved against a method: where each of its values comes from, in order, with the literal text between
 * them. The runtime turns it into method handles, the processor into Java code. A rate-limit key renders only the
 * values, with {@link io.bulwark.internal.KeyFraming} (literal text adds nothing to the identity of a key); a
 * resource id or name renders the text as written. Not API.
 */
public record KeyPlan(String template, List<Source> sources) {

    public KeyPlan {
        sources = List.copyOf(sources);
    }

    /** Where one value comes from. */
    public sealed interface Source permits Literal, Caller, Argument {
    }

    /** Text copied as is into a resource id or name; left out of a key. */
    public record Literal(String text) implements Source {
    }

    /**
     * A field of the bound caller: {@code user}, {@code email}, {@code ip}, {@code org} or {@code session}; then
     * {@link io.bulwark.internal.KeyText}'s modifiers, in order.
     */
    public record Caller(String field, List<String> modifiers) implements Source {
        public Caller {
            modifiers = List.copyOf(modifiers);
        }

        public Caller(String field) {
            this(field, List.of());
        }
    }

    /**
     * Argument {@code index}, of declared type {@code type}, then each accessor in turn; the last value is of type
     * {@code valueType}, a String, primitive, box, UUID, BigInteger, BigDecimal or enum.
     *
     * @param path the template's text for it, {@code request.user.id}
     */
    public record Argument(int index, String type, List<TypeModel.Accessor> accessors, String valueType, String path,
            List<String> modifiers) implements Source {
        public Argument {
            accessors = List.copyOf(accessors);
            modifiers = List.copyOf(modifiers);
        }

        public Argument(int index, String type, List<TypeModel.Accessor> accessors, String valueType, String path) {
            this(index, type, accessors, valueType, path, List.of());
        }
    }

    /** Whether the key reads the method's arguments (else the woven code need not pass them). */
    public boolean readsArguments() {
        for (Source source : sources) {
            if (source instanceof Argument) {
                return true;
            }
        }
        return false;
    }

    /** The template reads nothing: one counter for everybody, or a constant resource id. */
    public boolean global() {
        for (Source source : sources) {
            if (!(source instanceof Literal)) {
                return false;
            }
        }
        return true;
    }
}
