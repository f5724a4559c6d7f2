package io.bulwark.runtime.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the shared rate-limit store is and how long to wait for it: one Redis ({@code bulwark.redis.url}), a Redis
 * Cluster ({@code bulwark.redis.cluster}, its seed nodes) or a primary watched by Sentinels
 * ({@code bulwark.redis.sentinel} and {@code bulwark.redis.sentinel.master}).
 *
 * @param topology one Redis, a cluster, or a primary found through Sentinel
 * @param nodes    the Redis (one), the cluster's seed nodes, or the Sentinels
 * @param master   the name the Sentinels know the primary by; null unless {@link Topology#SENTINEL}
 * @param database the database number (always 0 on a cluster)
 * @param user     the ACL user, or null for the default user
 * @param password the password, or null; never logged (see {@link #toString()})
 * @param tls      whether connections use TLS, verified against the JVM's trust store
 * @param timeout  connect, read and pool-borrow timeout: past it, a check follows its failure policy
 * @param poolSize connections at most (per node on a cluster)
 * @param sentinelUser     the ACL user the Sentinels themselves ask for, or null for their default user
 * @param sentinelPassword the password the Sentinels themselves ask for ({@code requirepass} in sentinel.conf), or
 *                         null when they ask for none; never logged. The data nodes' credentials are {@code user} and
 *                         {@code password}: Sentinels usually have their own, or none.
 */
public record RedisSettings(Topology topology, List<Node> nodes, String master, int database, String user,
        String password, boolean tls, Duration timeout, int poolSize, String sentinelUser, String sentinelPassword) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
    public static final int DEFAULT_POOL_SIZE = 16;

    /** How the Redis is deployed. */
    public enum Topology { STANDALONE, CLUSTER, SENTINEL }

    /** One {@code host:port}. */
    public record Node(String host, int port) {
        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    public RedisSettings {
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one node");
        }
        if (topology != Topology.SENTINEL && (sentinelUser != null || sentinelPassword != null)) {
            throw new IllegalArgumentException("Sentinel credentials without Sentinels");
        }
    }

    /** One Redis, as {@code redis://[[user]:password@]host[:port][/database]} ({@code rediss://} for TLS). */
    public RedisSettings(URI url, Duration timeout, int poolSize) {
        this(Topology.STANDALONE, List.of(new Node(url.getHost(), url.getPort() < 0 ? 6379 : url.getPort())), null,
                database(url), user(url), password(url), url.getScheme().equals("rediss"), timeout, poolSize, null,
                null);
    }

    /** A Redis Cluster reached through {@code seeds}. */
    public static RedisSettings cluster(List<Node> seeds, String user, String password, boolean tls, Duration timeout,
            int poolSize) {
        return new RedisSettings(Topology.CLUSTER, seeds, null, 0, user, password, tls, timeout, poolSize, null, null);
    }

    /** The primary the {@code sentinels} know as {@code master}. */
    public static RedisSettings sentinel(List<Node> sentinels, String master, String user, String password,
            boolean tls, Duration timeout, int poolSize) {
        return new RedisSettings(Topology.SENTINEL, sentinels, master, 0, user, password, tls, timeout, poolSize, null,
                null);
    }

    /**
     * The same Sentinels, which ask for credentials of their own (from {@code bulwark.redis.sentinel.user} and
     * {@code .password}).
     */
    public RedisSettings withSentinelCredentials(String user, String password) {
        return new RedisSettings(topology, nodes, master, database, this.user, this.password, tls, timeout, poolSize,
                user, password);
    }

    /** The same place with other credentials (from {@code bulwark.redis.user} and {@code .password}). */
    public RedisSettings withCredentials(String user, String password) {
        return new RedisSettings(topology, nodes, master, database, user, password, tls, timeout, poolSize,
                sentinelUser, sentinelPassword);
    }

    /** The same place with TLS on or off. */
    public RedisSettings withTls(boolean tls) {
        return new RedisSettings(topology, nodes, master, database, user, password, tls, timeout, poolSize,
                sentinelUser, sentinelPassword);
    }

    /** The host of a single Redis (the first node otherwise). */
    public String host() {
        return nodes.get(0).host();
    }

    public int port() {
        return nodes.get(0).port();
    }

    private static int database(URI url) {
        String path = url.getPath();
        return path == null || path.isEmpty() || path.equals("/") ? 0 : Integer.parseInt(path.substring(1));
    }

    private static String user(URI url) {
        String info = url.getRawUserInfo();
        if (info == null || info.indexOf(':') <= 0) {
            return null;
        }
        return decode(info.substring(0, info.indexOf(':')));
    }

    private static String password(URI url) {
        String info = url.getRawUserInfo();
        return info == null ? null : decode(info.substring(info.indexOf(':') + 1));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * How logs name it, credentials left out: {@code redis://cache:6379/0}, {@code redis-cluster://a:7000,b:7001},
     * {@code redis-sentinel://s1:26379,s2:26379/mymaster}.
     */
    public String display() {
        String scheme = switch (topology) {
            case STANDALONE -> tls ? "rediss" : "redis";
            case CLUSTER -> tls ? "rediss-cluster" : "redis-cluster";
            case SENTINEL -> tls ? "rediss-sentinel" : "redis-sentinel";
        };
        StringBuilder out = new StringBuilder(scheme).append("://");
        for (int i = 0; i < nodes.size(); i++) {
            out.append(i == 0 ? "" : ",").append(nodes.get(i));
        }
        if (topology == Topology.STANDALONE) {
            out.append('/').append(database);
        } else if (topology == Topology.SENTINEL) {
            out.append('/').append(master);
        }
        return out + (password != null || sentinelPassword != null ? " (with credentials)" : "");
    }

    /** Never the password: a record would print every component. */
    @Override
    public String toString() {
        return "RedisSettings[" + display() + ", timeout=" + timeout + ", poolSize=" + poolSize + "]";
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
        if (path != null && !path.isEmpty() && !path.equals("/") && !databaseNumber(path.substring(1))) {
            return "a database number as the path, as in redis://cache:6379/2";
        }
        return null;
    }

    /** 1 to 5 ASCII digits, {@code [0-9]{1,5}} without a regular expression (none in premain: PremainClassLoadIT). */
    private static boolean databaseNumber(String text) {
        if (text.isEmpty() || text.length() > 5) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code host:port,host:port} ({@code [::1]:7000} for IPv6), or null when {@code text} is not such a list.
     * No regular expression: this runs in premain.
     */
    static List<Node> nodes(String text) {
        List<Node> nodes = new ArrayList<>();
        int start = 0;
        while (start <= text.length()) {
            int comma = text.indexOf(',', start);
            int end = comma < 0 ? text.length() : comma;
            Node node = node(text.substring(start, end).strip());
            if (node == null || nodes.contains(node)) {
                return null;
            }
            nodes.add(node);
            start = end + 1;
        }
        return nodes.isEmpty() || nodes.size() > 64 ? null : nodes;
    }

    private static Node node(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]") && host.length() > 2) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_' || c == ':';
            if (!ok) {
                return null;
            }
        }
        String portText = text.substring(colon + 1);
        if (portText.length() > 5) {
            return null;
        }
        int port = 0;
        for (int i = 0; i < portText.length(); i++) {
            char c = portText.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
            port = port * 10 + (c - '0');
        }
        return port >= 1 && port <= 65_535 ? new Node(host, port) : null;
    }
}
