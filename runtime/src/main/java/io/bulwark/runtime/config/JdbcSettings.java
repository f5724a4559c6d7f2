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

    static String hidePassword(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1<hidden>").replaceAll("//[^/@]*@", "//<credentials hidden>@");
    }

    @Override
    public String toString() {
        return "JdbcSettings[url=" + safeUrl() + ", user=" + user + ", password="
                + (password == null ? "none" : "<hidden>") + ", poolSize=" + poolSize + "]";
    }
}
