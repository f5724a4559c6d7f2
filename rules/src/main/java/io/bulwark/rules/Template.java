package io.bulwark.rules;

import io.bulwark.internal.KeyText;
import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of key templates, shared by the processor (checked at compile time) and the runtime (compiled
 * once at weave time): literal text and {@code {path}} references, {@code {{} and {@code }}} for literal
 * braces; a reference may end in modifiers, {@code {email:lower}} ({@link KeyText}). A path is a parameter followed by
 * properties ({@code {request.user.id}}) or a caller field ({@code {caller.ip}}). Not API.
 */
public final class Template {

    /** Caller fields a template may read, as {@code {caller.<field>}}. */
    public static final List<String> CALLER_FIELDS = List.of("user", "email", "ip", "org", "session");

    /** Templates longer than this are refused: they are declarations, not data. */
    public static final int MAX_LENGTH = 512;

    private Template() {
    }

    /** A piece of a template. */
    public sealed interface Part permits Literal, Ref {
    }

    /** Text copied as is. */
    public record Literal(String text) implements Part {
    }

    /**
     * A reference: {@code path.get(0)} is a parameter name, or {@code "caller"} followed by a caller field; then the
     * modifiers applied to its text, in order ({@code {email:trim:lower}}, see {@link KeyText}).
     */
    public record Ref(List<String> path, List<String> modifiers) implements Part {
        public Ref {
            path = List.copyOf(path);
            modifiers = List.copyOf(modifiers);
        }

        public Ref(List<String> path) {
            this(path, List.of());
        }

        public boolean isCaller() {
            return path.get(0).equals("caller");
        }

        /** {@code request.user.id}. */
        public String text() {
            return String.join(".", path);
        }
    }

    /**
     * Parses {@code source} into parts; the empty template has none.
     *
     * @throws IllegalArgumentException saying what is wrong and where (0-based column)
     */
    public static List<Part> parse(String source) {
        if (source.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(Message.TEMPLATE_TOO_LONG.format(source.length(), MAX_LENGTH));
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '{' && i + 1 < source.length() && source.charAt(i + 1) == '{') {
                literal.append('{');
                i += 2;
            } else if (c == '}' && i + 1 < source.length() && source.charAt(i + 1) == '}') {
                literal.append('}');
                i += 2;
            } else if (c == '}') {
                throw new IllegalArgumentException(Message.TEMPLATE_CLOSES_NOTHING.format(i));
            } else if (c == '{') {
                int close = source.indexOf('}', i + 1);
                if (close < 0) {
                    throw new IllegalArgumentException(Message.TEMPLATE_NEVER_CLOSED.format(i));
                }
                if (literal.length() > 0) {
                    parts.add(new Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(ref(source.substring(i + 1, close), i));
                i = close + 1;
            } else {
                literal.append(c);
                i++;
            }
        }
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
        }
        return List.copyOf(parts);
    }

    private static Ref ref(String reference, int column) {
        String[] pieces = reference.split(":", -1);
        String text = pieces[0];
        List<String> modifiers = new ArrayList<>();
        for (int i = 1; i < pieces.length; i++) {
            if (!KeyText.MODIFIERS.contains(pieces[i])) {
                throw new IllegalArgumentException(Message.TEMPLATE_UNKNOWN_MODIFIER.format(reference, column,
                        pieces[i], String.join(", ", KeyText.MODIFIERS),
                        Suggestions.didYouMean(pieces[i], KeyText.MODIFIERS)));
            }
            modifiers.add(pieces[i]);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(Message.TEMPLATE_NAMES_NOTHING.format(column));
        }
        List<String> path = List.of(text.split("\\.", -1));
        for (String segment : path) {
            if (!isIdentifier(segment)) {
                throw new IllegalArgumentException(Message.TEMPLATE_NOT_A_PATH.format(text, column));
            }
        }
        if (path.get(0).equals("caller")) {
            if (path.size() != 2 || !CALLER_FIELDS.contains(path.get(1))) {
                String suggestion = path.size() == 2 ? Suggestions.didYouMean(path.get(1), CALLER_FIELDS) : "";
                throw new IllegalArgumentException(Message.TEMPLATE_NOT_A_CALLER_FIELD.format(text, column,
                        "{caller." + String.join("}, {caller.", CALLER_FIELDS) + "}", suggestion));
            }
        }
        return new Ref(path, modifiers);
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
