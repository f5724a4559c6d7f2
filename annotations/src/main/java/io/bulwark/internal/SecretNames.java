package io.bulwark.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which names look like they hold a secret ({@code password}, {@code newPassword}, {@code api_key}, {@code otp}):
 * the processor refuses to capture such a parameter unredacted, and the runtime masks such members wherever it
 * captures a value the processor could not see. Matched on whole words of the name, so {@code spinner} and
 * {@code opinion} are not secrets but {@code pinCode} is. Not API.
 */
public final class SecretNames {

    private static final Set<String> WORDS = Set.of("password", "passwd", "pwd", "passphrase", "passcode", "secret",
            "secrets", "token", "tokens", "otp", "totp", "pin", "credential", "credentials", "cvv", "cvc", "ssn",
            "authorization", "cookie", "apikey", "privatekey", "pincode");
    /** Words that are secrets only after another word: {@code apiKey}, {@code privateKey}, {@code accessKey}. */
    private static final Set<String> KEY_PREFIXES = Set.of("api", "private", "secret", "access", "signing",
            "encryption", "master", "recovery", "session");

    private SecretNames() {
    }

    public static boolean looksSecret(String name) {
        if (name == null || name.length() > 256) {
            return name != null;
        }
        List<String> words = words(name);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (WORDS.contains(word)) {
                return true;
            }
            if ((word.equals("key") || word.equals("code")) && i > 0 && KEY_PREFIXES.contains(words.get(i - 1))) {
                return true;
            }
        }
        return false;
    }

    /** {@code newPassword2} → new, password, 2; {@code API_KEY} → api, key; {@code APIKey} → api, key. */
    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i <= name.length(); i++) {
            if (i == name.length() || !Character.isLetterOrDigit(name.charAt(i))) {
                if (start >= 0) {
                    words.add(name.substring(start, i).toLowerCase(Locale.ROOT));
                }
                start = -1;
                continue;
            }
            if (start < 0) {
                start = i;
                continue;
            }
            char c = name.charAt(i);
            char previous = name.charAt(i - 1);
            int split = -1;
            if (Character.isUpperCase(c) && !Character.isUpperCase(previous) && !Character.isDigit(previous)
                    || Character.isDigit(c) != Character.isDigit(previous)) {
                split = i;
            } else if (Character.isLowerCase(c) && Character.isUpperCase(previous) && i - 1 > start) {
                split = i - 1;
            }
            if (split > start) {
                words.add(name.substring(start, split).toLowerCase(Locale.ROOT));
                start = split;
            }
        }
        return words;
    }
}
