package io.bulwark.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which names look like they hold a secret ({@code password}, {@code passWord}, {@code api_key}, {@code mfaCode},
 * {@code sessionId}, {@code jwt}): the processor refuses to capture such a parameter unredacted, and the runtime masks
 * such members wherever it captures a value the processor could not see. One rule for both, so they never disagree.
 *
 * <p>Matched on the words of the name (camel case, {@code snake_case}, {@code SCREAMING_CASE}, digits apart), never on
 * substrings: {@code spinner}, {@code pinned}, {@code compass}, {@code opinion} and {@code bypass} are one word each
 * and no secret. Some words are secrets on their own ({@code pin}, {@code token}, {@code pw}); some only after the
 * word before them ({@code apiKey}, {@code mfaCode}, {@code sessionId}: a {@code zipCode}, a {@code key} or an
 * {@code id} is not); {@code pass} is one at the end of a name or before {@code word}, {@code phrase}, {@code code}
 * or {@code key} ({@code userPass}, {@code passWord}; not {@code passThrough}). A plural counts as its word
 * ({@code recoveryCodes}). Not API.
 */
public final class SecretNames {

    /** Secrets wherever they stand in a name. */
    private static final Set<String> WORDS = Set.of("password", "passwd", "pwd", "pw", "passphrase", "passcode",
            "secret", "token", "otp", "totp", "hotp", "pin", "pincode", "credential", "cvv", "cvc", "ssn",
            "authorization", "cookie", "jwt", "bearer", "apikey", "privatekey", "accesskey", "secretkey", "sessionid",
            "sessionkey", "mfacode", "otpcode", "authcode");
    /** Secrets only right after one of the words given: {@code apiKey}, but not {@code key}. */
    private static final Map<String, Set<String>> AFTER = Map.of(
            "key", Set.of("api", "private", "secret", "access", "signing", "encryption", "master", "recovery",
                    "session", "client", "hmac", "shared", "auth", "license", "pass"),
            "code", Set.of("mfa", "verification", "verify", "otp", "totp", "auth", "authorization", "sms", "email",
                    "security", "reset", "recovery", "confirmation", "confirm", "pin", "pass", "access", "backup",
                    "login", "activation", "time", "fa", "secret"),
            "id", Set.of("session"),
            "header", Set.of("auth", "authorization"));
    /** What makes {@code pass} a password when it is not the last word. */
    private static final Set<String> AFTER_PASS = Set.of("word", "phrase", "code", "key", "wd");

    private SecretNames() {
    }

    public static boolean looksSecret(String name) {
        if (name == null || name.length() > 256) {
            return name != null;
        }
        List<String> words = words(name);
        for (int i = 0; i < words.size(); i++) {
            String word = singular(words.get(i));
            if (WORDS.contains(word)) {
                return true;
            }
            if (word.equals("pass") && (i == words.size() - 1 || AFTER_PASS.contains(singular(words.get(i + 1))))) {
                return true;
            }
            Set<String> before = AFTER.get(word);
            if (before != null && i > 0 && before.contains(singular(words.get(i - 1)))) {
                return true;
            }
        }
        return false;
    }

    /** {@code codes} → {@code code}, {@code passwords} → {@code password}; {@code pass} stays itself. */
    private static String singular(String word) {
        if (word.length() > 3 && word.endsWith("s") && !word.endsWith("ss")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
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
