package io.bulwark.runtime.key;

/**
 * A compiled resource template ({@code "order-{id}"}): literal text as written, each value's text in its place, a
 * null value as nothing. When every value is null the whole is null: no resource was named.
 */
final class CompiledText implements KeyExtractor {

    private final Object[] parts;
    private final boolean readsArguments;

    /** @param parts each a {@link String} (literal) or a {@link CompiledKey.Source} */
    CompiledText(Object[] parts) {
        this.parts = parts;
        boolean reads = false;
        for (Object part : parts) {
            reads |= part instanceof CompiledKey.Argument;
        }
        this.readsArguments = reads;
    }

    @Override
    public String extract(Object[] args) {
        StringBuilder text = new StringBuilder(32);
        boolean any = false;
        boolean references = false;
        for (Object part : parts) {
            if (part instanceof String literal) {
                text.append(literal);
            } else {
                references = true;
                Object value = ((CompiledKey.Source) part).value(args);
                if (value != null) {
                    any = true;
                    text.append(CompiledKey.text(value));
                }
            }
        }
        return references && !any ? null : text.toString();
    }

    @Override
    public boolean readsArguments() {
        return readsArguments;
    }
}
