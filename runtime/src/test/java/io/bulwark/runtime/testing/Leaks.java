package io.bulwark.runtime.testing;

import java.util.regex.Pattern;

/**
 * Whether a secret shows in a text (a log, an audit record). A 6-digit code is looked for as a token of its own: as a
 * bare substring it turns up by chance in the digits of a timestamp or an id about once in a few thousand runs.
 */
public final class Leaks {

    private Leaks() {
    }

    public static boolean shows(String text, String secret) {
        return Pattern.compile("(?<![0-9A-Za-z])" + Pattern.quote(secret) + "(?![0-9A-Za-z])").matcher(text).find();
    }
}
