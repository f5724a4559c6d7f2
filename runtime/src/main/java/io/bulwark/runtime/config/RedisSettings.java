package io.bulwark.runtime.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Where the shared rate-limit store is and how long to wait for it.
 *
 * @param url      {@code redis://[[user]:password@]host[:port][/database]}, {@code rediss://} for TLS
 * @param timeout  connect, read and pool-borrow timeout: past it, a check follows its failure policy
 * @param poolSize connections at most
 */
public record RedisSettings(URI url, Duration timeout, int poolSize) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
    public static final int DEFAULT_POOL_SIZE = 16;

    public String host() {
        return url.getHost();
    }

    public int port() {
        return url.getPort() < 0 ? 6379 : url.getPort();
    }

    public boolean tls() {
        return url.getScheme().equals("rediss");
    }

    public int database() {
        String path = url.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? 0 : Integer.parseInt(path.substring(1));
    }

    /** The user of {@code user:password@}, or null for the default user. */
    public String user() {
        String info = url.getRawUserInfo();
        if (info == null || info.indexOf(':') <= 0) {
            return null;
        }
        return decode(info.substring(0, info.indexOf(':')));
    }

    /** The password of {@code [user]:password@}, or null. Never log it. */
    public String password() {
        String info = url.getRawUserInfo();
        return info == null ? null : decode(info.substring(info.indexOf(':') + 1));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** {@code redis://cache:6379/0}: how logs name it, credentials left out. */
    public String display() {
        return url.getScheme() + "://" + host() + ":" + port() + "/" + database()
                + (url.getRawUserInfo() != null ? " (with credentials)" : "");
    }

    /** A problem with {@code url} as a Redis URL, or null when it is one. */
    static String problem(URI url) {
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
            return "scheme redis:// or rediss:// (TLS)";
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            return "a host, as in redis://cache.internal:6379";
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            return "no query or fragment: redis://[[user]:password@]host[:port][/database]";
        }
        String info = url.getRawUserInfo();
        if (info != null && info.indexOf(':') < 0) {
            return "credentials as user:password@ or :password@";
        }
        String path = url.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/") && !path.substring(1).matches("[0-9]{1,5}")) {
            return "a database number as the path, as in redis://cache:6379/2";
        }
        return null;
    }
}
