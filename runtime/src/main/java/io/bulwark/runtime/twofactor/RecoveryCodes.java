package io.bulwark.runtime.twofactor;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Recovery codes: single-use fallbacks for a lost authenticator. This class makes and normalizes them; storing
 * them (as keyed hashes) and spending them is the secret store's.
 *
 * <pre>{@code
 * List<String> codes = RecoveryCodes.generate(secureRandom);     // ["7k2mq-x9dra", ...], shown to the user once
 * for (String code : codes) {
 *     store.add(user, hash(RecoveryCodes.normalize(code).orElseThrow()));
 * }
 * Optional<String> typed = RecoveryCodes.normalize(userInput);    // "7K2MQ X9DRA" -> "7k2mqx9dra"
 * }</pre>
 *
 * <p>A code is 10 characters of Crockford's Base32 alphabet ({@code 0-9} and {@code a-z} without {@code i l o u}),
 * 5 random bits each: 50 bits, so an attacker limited to a few guesses per minute gets nowhere, and short enough to
 * type. It is shown in lower case as two groups of five, {@code xxxxx-xxxxx}.
 *
 * <p>{@link #normalize} takes what a user types: it drops {@code -} and spaces, folds upper case to lower case and,
 * as Crockford's decoding rules do, reads {@code o} as {@code 0} and {@code i} or {@code l} as {@code 1}, which the
 * alphabet leaves out precisely because they are confused. Anything else is refused.
 */
public final class RecoveryCodes {

    /** How many codes {@link #generate(SecureRandom)} makes (architecture.md §5). */
    public static final int DEFAULT_COUNT = 10;
    /** Characters in a code, without the dash. */
    public static final int LENGTH = 10;
    /** Enough for a user's screen; more would only be more to store. */
    static final int MAX_COUNT = 100;
    /** Longer input is refused unread: a code with a space between every character is 19 characters. */
    static final int MAX_INPUT_LENGTH = 64;

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();

    private RecoveryCodes() {
    }

    /** Ten new codes, distinct, as {@code xxxxx-xxxxx}. */
    public static List<String> generate(SecureRandom random) {
        return generate(DEFAULT_COUNT, random);
    }

    /**
     * {@code count} new codes (1 to 100), distinct, as {@code xxxxx-xxxxx}.
     *
     * @param random a {@link SecureRandom}; codes are credentials
     */
    public static List<String> generate(int count, SecureRandom random) {
        Objects.requireNonNull(random, "random");
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("Recovery code count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        // A set, though a repeat among 100 codes of 50 bits has a chance of about 1 in 10^11: a user shown the
        // same code twice would rightly doubt the rest.
        Set<String> codes = new HashSet<>();
        List<String> ordered = new ArrayList<>(count);
        while (ordered.size() < count) {
            char[] code = new char[LENGTH + 1];
            for (int i = 0; i < code.length; i++) {
                // 32 symbols: nextInt(32) takes exactly 5 bits, without bias.
                code[i] = i == LENGTH / 2 ? '-' : ALPHABET[random.nextInt(ALPHABET.length)];
            }
            String text = new String(code);
            if (codes.add(text)) {
                ordered.add(text);
            }
        }
        return List.copyOf(ordered);
    }

    /**
     * The canonical form of a code a user typed: its 10 characters, lower case, without dash or spaces. Empty if it
     * is not a code: not 10 symbols once dashes and spaces are dropped, or any other character (other scripts'
     * letters and digits, other whitespace, {@code u}). Input longer than 64 characters is refused without being
     * read.
     */
    public static Optional<String> normalize(CharSequence input) {
        if (input == null || input.length() > MAX_INPUT_LENGTH) {
            return Optional.empty();
        }
        char[] out = new char[LENGTH];
        int n = 0;
        for (int i = 0; i < input.length(); i++) {
            char c = input.charAt(i);
            if (c == '-' || c == ' ') {
                continue;
            }
            char symbol = symbol(c);
            if (symbol == 0 || n == LENGTH) {
                return Optional.empty();
            }
            out[n++] = symbol;
        }
        return n == LENGTH ? Optional.of(new String(out)) : Optional.empty();
    }

    /** The alphabet's symbol {@code c} stands for, or 0. ASCII only: other scripts' letters and digits are refused. */
    private static char symbol(char c) {
        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }
        return switch (c) {
            case 'o' -> '0';
            case 'i', 'l' -> '1';
            case 'u' -> 0;
            default -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ? c : 0;
        };
    }
}
