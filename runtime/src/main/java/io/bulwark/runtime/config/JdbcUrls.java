package io.bulwark.runtime.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Whether pgjdbc would accept a {@code bulwark.jdbc.url}, decided without pgjdbc.
 *
 * <p>Until 2026-12-03 the configuration called {@code org.postgresql.Driver.parseURL}: in premain that initialised
 * the driver (its logging set-up, {@code java.util.logging}) and spun three lambda classes, and it reads
 * {@code ~/.pgpass} and {@code pg_service.conf} from disk (PremainClassLoadIT). This is the same decision written as
 * loops over the same steps: the prefix, the {@code //host:port,.../database} form, percent-decoding of the database
 * and of every parameter value, host and port given as parameters ({@code host=}, {@code port=}, {@code PGHOST=} ...),
 * ports from 1 to 65535 and as many hosts as ports. {@code PremainParsingTest} pins it to the driver's
 * {@code parseURL} over a corpus of good and bad URLs, so a driver upgrade that changes the rules fails there.
 *
 * <p>One difference, on purpose: a {@code service=} parameter is accepted here, where the driver looks the name up in
 * {@code pg_service.conf} and returns null when it is not there. That file is read when the pool connects, and a
 * name it does not hold is then logged by the shipper, whose events wait in the journal meanwhile.
 */
final class JdbcUrls {

    static final String PREFIX = "jdbc:postgresql:";
    private static final String DEFAULT_HOST = "localhost";
    private static final String DEFAULT_PORT = "5432";
    private static final String HOST = "PGHOST";
    private static final String PORT = "PGPORT";

    private JdbcUrls() {
    }

    /** Whether {@code Driver.parseURL(url, null)} returns properties (for a URL without {@code service=}). */
    static boolean parsable(String url) {
        String server = url;
        String args = "";
        int query = url.indexOf('?');
        if (query != -1) {
            server = url.substring(0, query);
            args = url.substring(query + 1);
        }
        if (!server.startsWith(PREFIX)) {
            return false;
        }
        server = server.substring(PREFIX.length());
        String hosts = null;
        String ports = null;
        if (server.equals("//") || server.equals("///")) {
            server = "";
        } else if (server.startsWith("//")) {
            server = server.substring(2);
            int slash = server.indexOf('/');
            if (slash == -1 || server.indexOf('/', slash + 1) != -1) {
                return false;
            }
            if (!server.endsWith("/") && !decodes(server.substring(slash + 1))) {
                return false;
            }
            String[] addresses = server.substring(0, slash).split(",");
            if (addresses.length == 0) {
                return false; // the driver throws StringIndexOutOfBoundsException here: "//,/db"
            }
            StringBuilder hostList = new StringBuilder();
            StringBuilder portList = new StringBuilder();
            for (String address : addresses) {
                int colon = address.lastIndexOf(':');
                if (colon != -1 && address.lastIndexOf(']') < colon) {
                    portList.append(address, colon + 1, address.length());
                    hostList.append(colon == 0 ? DEFAULT_HOST : address.substring(0, colon));
                } else {
                    portList.append(DEFAULT_PORT);
                    hostList.append(address);
                }
                portList.append(',');
                hostList.append(',');
            }
            hosts = hostList.substring(0, hostList.length() - 1);
            ports = portList.substring(0, portList.length() - 1);
        } else if (server.startsWith("/")) {
            return false;
        } else if (!decodes(server)) {
            return false;
        }
        for (String token : args.split("&")) {
            if (token.isEmpty()) {
                continue;
            }
            int equals = token.indexOf('=');
            String name = equals == -1 ? token : parameterName(token.substring(0, equals));
            String value = equals == -1 ? "" : decoded(token.substring(equals + 1));
            if (value == null) {
                return false;
            }
            if (name.equals(HOST)) {
                hosts = value;
            } else if (name.equals(PORT)) {
                ports = value;
            }
        }
        return consistent(hosts == null ? DEFAULT_HOST : hosts, ports == null ? DEFAULT_PORT : ports);
    }

    /** {@code host}, {@code port}, {@code dbname} in any case name the driver's PG* properties; others stay. */
    private static String parameterName(String name) {
        String upper = "PG" + name.toUpperCase(Locale.ROOT);
        return upper.equals(HOST) || upper.equals(PORT) || upper.equals("PGDBNAME") ? upper : name;
    }

    /** Every port from 1 to 65535, and as many hosts as ports (counted as {@code String.split} counts). */
    private static boolean consistent(String hosts, String ports) {
        String[] portValues = ports.split(",");
        for (String port : portValues) {
            try {
                int number = Integer.parseInt(port);
                if (number < 1 || number > 65535) {
                    return false;
                }
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return hosts.split(",").length == portValues.length;
    }

    private static boolean decodes(String text) {
        return decoded(text) != null;
    }

    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
