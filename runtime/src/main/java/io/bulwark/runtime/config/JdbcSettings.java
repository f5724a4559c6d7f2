package io.bulwark.runtime.config;

import java.util.Objects;

/**
 * Where audit events (and, later, two-factor settings) are stored in PostgreSQL: {@code bulwark.jdbc.*}.
 *
 * @param url      {@code jdbc:postgresql://db.internal:5432/app}
 * @param user     or null to take it from the URL (or the driver's default)
 * @param password or null; never printed
 * @param poolSize connections Bulwark's own pool holds at most
 */
public record JdbcSettings(String url, String user, String password, int poolSize) {

    public static final int DEFAULT_POOL_SIZE = 2;

    public JdbcSettings {
        Objects.requireNonNull(url, "url");
    }

    /** The URL with any {@code password=} parameter hidden: what log lines and messages may show. */
    public String safeUrl() {
        return hidePassword(url);
    }

    /**
     * {@code replaceAll("(?i)(password=)[^&;]*", "$1<hidden>")} then {@code replaceAll("//[^/@]*@",
     * "//<credentials hidden>@")}, written as loops: the URL is logged in premain, which loads no regular expression
     * (PremainClassLoadIT).
     */
    static String hidePassword(String url) {
        StringBuilder hidden = new StringBuilder(url.length());
        int i = 0;
        while (i < url.length()) {
            if (url.regionMatches(true, i, "password=", 0, "password=".length())) {
                hidden.append(url, i, i + "password=".length()).append("<hidden>");
                i += "password=".length();
                while (i < url.length() && url.charAt(i) != '&' && url.charAt(i) != ';') {
                    i++;
                }
            } else {
                hidden.append(url.charAt(i++));
            }
        }
        String text = hidden.toString();
        StringBuilder out = new StringBuilder(text.length());
        i = 0;
        while (i < text.length()) {
            if (text.startsWith("//", i)) {
                int end = i + 2;
                while (end < text.length() && text.charAt(end) != '/' && text.charAt(end) != '@') {
                    end++;
                }
                if (end < text.length() && text.charAt(end) == '@') {
                    out.append("//<credentials hidden>@");
                    i = end + 1;
                    continue;
                }
            }
            out.append(text.charAt(i++));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "JdbcSettings[url=" + safeUrl() + ", user=" + user + ", password="
                + (password == null ? "none" : "<hidden>") + ", poolSize=" + poolSize + "]";
    }
}
