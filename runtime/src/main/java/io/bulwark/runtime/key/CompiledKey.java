package io.bulwark.runtime.key;

import io.bulwark.Bulwark;
import io.bulwark.internal.KeyFraming;
import io.bulwark.internal.KeyText;

/**
 * A compiled key template: the values its references name, framed by {@link KeyFraming} so that
 * {@code {caller.org}:{email}} cannot be made to collide by putting a colon in one part. Literal text adds
 * nothing to the identity of a key and is left out.
 */
final class CompiledKey implements KeyExtractor {

    /** Where one value of the key comes from. */
    sealed interface Source permits Argument, CallerValue, Modified {
        Object value(Object[] args);
    }

    /** A value's text with the template's modifiers applied ({@code {email:lower}}), as {@link KeyText} does. */
    record Modified(Source source, String[] modifiers) implements Source {
        @Override
        public Object value(Object[] args) {
            return apply(source.value(args));
        }

        Object apply(Object value) {
            if (value == null) {
                return null;
            }
            String text = text(value);
            for (String modifier : modifiers) {
                text = KeyText.apply(modifier, text);
            }
            return text;
        }
    }

    /** Argument {@code index}, then properties ({@code chain} may be null). */
    record Argument(int index, PropertyChain chain) implements Source {
        @Override
        public Object value(Object[] args) {
            return read(args[index]);
        }

        Object read(Object arg) {
            return chain == null ? arg : chain.read(arg);
        }
    }

    /** @param key in a rate-limit key (not an audit resource text): an IPv6 {@code {caller.ip}} by its network */
    record CallerValue(CallerField field, boolean key) implements Source {
        @Override
        public Object value(Object[] args) {
            String value = field.read(Bulwark.caller());
            // An IPv6 client counts by its network (bulwark.ratelimit.ipv6-prefix), as the generated code does.
            return key && field == CallerField.IP ? KeyText.callerIp(value) : value;
        }
    }

    private final Source[] sources;
    private final boolean readsArguments;
    /** The one value, read from one argument (through properties and modifiers): see {@link #argument()}. */
    private final Argument only;
    private final String[] onlyModifiers;

    CompiledKey(Source[] sources) {
        this.sources = sources;
        boolean reads = false;
        for (Source source : sources) {
            reads |= source instanceof Argument || source instanceof Modified m && m.source() instanceof Argument;
        }
        this.readsArguments = reads;
        Source one = sources.length == 1 ? sources[0] : null;
        this.only = one instanceof Argument a ? a : one instanceof Modified m && m.source() instanceof Argument a
                ? a : null;
        this.onlyModifiers = one instanceof Modified m ? m.modifiers() : null;
    }

    @Override
    public String extract(Object[] args) {
        StringBuilder key = new StringBuilder(32);
        for (Source source : sources) {
            Object value = source.value(args);
            KeyFraming.append(key, value == null ? null : text(value));
        }
        return key.toString();
    }

    // One value read and its text returned as it is (no framing, no copy): the in-memory engine's hot path.
    @Override
    public String text(Object[] args) {
        Object value = sources[0].value(args);
        return value == null ? null : text(value);
    }

    @Override
    public int argument() {
        return only == null ? -1 : only.index();
    }

    @Override
    public String extractArgument(Object argument) {
        String text = textOfArgument(argument);
        StringBuilder key = new StringBuilder(text == null ? 1 : text.length() + 4);
        KeyFraming.append(key, text);
        return key.toString();
    }

    @Override
    public String textOfArgument(Object argument) {
        Object value = only.read(argument);
        if (onlyModifiers != null) {
            value = new Modified(only, onlyModifiers).apply(value);
        }
        return value == null ? null : text(value);
    }

    @Override
    public boolean readsArguments() {
        return readsArguments;
    }

    /** Only types {@link KeyCompiler} accepts get here; their text forms are stable. */
    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        return value.toString();
    }
}
