package io.bulwark.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * How the test servers guard themselves: the data nodes' password ({@code requirepass}) or ACL user (the default user
 * then switched off), the Sentinels' own password or ACL user, and TLS beside the plain port (the harness itself
 * administers every server over the plain port; clients under test are given the TLS ports only).
 *
 * @param user             the data nodes' ACL user, or null for {@code requirepass} (when {@code password} is set)
 * @param password         the data nodes' password, or null for none
 * @param sentinelUser     the Sentinels' ACL user, or null for {@code requirepass} (when {@code sentinelPassword} is
 *                         set)
 * @param sentinelPassword the Sentinels' password, or null for none
 * @param tls              the certificate every server presents on its TLS port, or null for no TLS
 */
public record RedisSecurity(String user, String password, String sentinelUser, String sentinelPassword,
        TlsMaterial tls) {

    public static final RedisSecurity NONE = new RedisSecurity(null, null, null, null, null);

    /** Data nodes that ask for {@code password} ({@code requirepass}; replicas authenticate with it too). */
    public static RedisSecurity password(String password) {
        return new RedisSecurity(null, password, null, null, null);
    }

    /** Data nodes that know only {@code user} (the default user is off; replicas authenticate as it). */
    public static RedisSecurity aclUser(String user, String password) {
        return new RedisSecurity(user, password, null, null, null);
    }

    /** The same data nodes, with Sentinels that ask for {@code password} (as {@code user}, unless null). */
    public RedisSecurity withSentinelCredentials(String user, String password) {
        return new RedisSecurity(this.user, this.password, user, password, tls);
    }

    /** The same credentials, every server serving TLS with {@code material} as well. */
    public RedisSecurity withTls(TlsMaterial material) {
        return new RedisSecurity(user, password, sentinelUser, sentinelPassword, material);
    }

    /** {@code redis-server} options for a data node (its TLS port, if any, comes separately). */
    List<String> dataOptions() {
        List<String> options = new ArrayList<>();
        if (user != null) {
            options.addAll(List.of("--user", "default", "off", "--user", user, "on", ">" + password, "~*", "&*",
                    "+@all", "--masteruser", user, "--masterauth", password));
        } else if (password != null) {
            options.addAll(List.of("--requirepass", password, "--masterauth", password));
        }
        if (tls != null) {
            options.addAll(List.of("--tls-cert-file", tls.certificate().toString(),
                    "--tls-key-file", tls.privateKey().toString(), "--tls-ca-cert-file", tls.certificate().toString(),
                    "--tls-auth-clients", "no", "--tls-replication", "yes"));
        }
        return options;
    }

    /** {@code sentinel.conf} lines of a Sentinel watching {@code master} (its TLS port, if any, comes separately). */
    String sentinelLines(String master) {
        StringBuilder conf = new StringBuilder();
        if (user != null) {
            conf.append("sentinel auth-user ").append(master).append(' ').append(user).append('\n');
        }
        if (password != null) {
            conf.append("sentinel auth-pass ").append(master).append(' ').append(password).append('\n');
        }
        if (sentinelUser != null) {
            // The Sentinels talk to each other as this user too.
            conf.append("user default off\nuser ").append(sentinelUser).append(" on >").append(sentinelPassword)
                    .append(" ~* &* +@all\nsentinel sentinel-user ").append(sentinelUser)
                    .append("\nsentinel sentinel-pass ").append(sentinelPassword).append('\n');
        } else if (sentinelPassword != null) {
            // A Sentinel with requirepass authenticates to the other Sentinels with the same password.
            conf.append("requirepass ").append(sentinelPassword).append('\n');
        }
        if (tls != null) {
            conf.append("tls-cert-file ").append(tls.certificate()).append("\ntls-key-file ").append(tls.privateKey())
                    .append("\ntls-ca-cert-file ").append(tls.certificate())
                    .append("\ntls-auth-clients no\ntls-replication yes\n");
        }
        return conf.toString();
    }

    /** The harness's own connection to a data node's plain port. */
    Jedis admin(int port, int timeoutMillis) {
        return connect(port, timeoutMillis, user, password);
    }

    /** The harness's own connection to a Sentinel's plain port. */
    Jedis sentinelAdmin(int port, int timeoutMillis) {
        return connect(port, timeoutMillis, sentinelUser, sentinelPassword);
    }

    private static Jedis connect(int port, int timeoutMillis, String user, String password) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().timeoutMillis(timeoutMillis);
        if (password != null) {
            config.user(user).password(password);
        }
        return new Jedis(new HostAndPort("127.0.0.1", port), config.build());
    }

    /** Never the passwords. */
    @Override
    public String toString() {
        return "RedisSecurity[user=" + user + ", password " + (password != null) + ", sentinelUser=" + sentinelUser
                + ", sentinel password " + (sentinelPassword != null) + ", tls " + (tls != null) + "]";
    }
}
