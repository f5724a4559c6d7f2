package io.bulwark.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loops that replaced regular expressions on the premain path (PremainClassLoadIT) accept and produce exactly what
 * the expressions did: each is compared with its former regex here, where regexes cost nothing.
 */
class PremainParsingTest {

    @Test
    void digitsThenMatchesTheRetentionPatterns() {
        for (String value : List.of("7y", "999y", "1000y", "y", "07y", "1d", "99999d", "100000d", "d", "1 d", "-1d",
                "1y1", "1Y", "٣d", "1dd", "", "12", "forever")) {
            assertEquals(value.matches("[0-9]{1,3}y"), AuditReader.digitsThen(value, 3, 'y'), value);
            assertEquals(value.matches("[0-9]{1,5}d"), AuditReader.digitsThen(value, 5, 'd'), value);
        }
    }

    @Test
    void hidePasswordMatchesTheRegexReplacement() {
        for (String url : List.of("jdbc:postgresql://db:5432/app", "jdbc:postgresql://db/app?password=s3cret&ssl=true",
                "jdbc:postgresql://db/app?user=a&PASSWORD=x;y=z", "jdbc:postgresql://u:pw@db/app",
                "jdbc:postgresql://u:pw@db/app?Password=", "jdbc:postgresql://db/a//b@c", "password=password=x",
                "//@", "///x@y", "jdbc:postgresql://a@b@c/d", "", "passwor", "jdbc:postgresql://db/app?password")) {
            String expected = url.replaceAll("(?i)(password=)[^&;]*", "$1<hidden>")
                    .replaceAll("//[^/@]*@", "//<credentials hidden>@");
            assertEquals(expected, JdbcSettings.hidePassword(url), url);
        }
    }

    /**
     * {@link JdbcUrls#parsable} answers as pgjdbc's own {@code Driver.parseURL} does (which premain no longer calls):
     * null or an exception there is false here. {@code service=} is left out: the driver then reads
     * {@code pg_service.conf}, which this check does on purpose not (see JdbcUrls).
     */
    @Test
    void jdbcUrlsAcceptWhatTheDriverParses() {
        List<String> corpus = List.of("jdbc:postgresql://db.internal:5432/app", "jdbc:postgresql://db/app",
                "jdbc:postgresql:app", "jdbc:postgresql:", "jdbc:postgresql://", "jdbc:postgresql:///",
                "jdbc:postgresql://db/", "jdbc:postgresql://db", "jdbc:postgresql://db/a/b", "jdbc:postgresql:/app",
                "jdbc:postgresql://db:0/app", "jdbc:postgresql://db:65535/app", "jdbc:postgresql://db:65536/app",
                "jdbc:postgresql://db:-1/app", "jdbc:postgresql://db:/app", "jdbc:postgresql://:5433/app",
                "jdbc:postgresql://db:54x/app", "jdbc:postgresql://a:1,b:2/app", "jdbc:postgresql://a,b/app",
                "jdbc:postgresql://a:1,b:/app", "jdbc:postgresql://a,,b/app", "jdbc:postgresql://,/app",
                "jdbc:postgresql://[::1]:5432/app", "jdbc:postgresql://[::1]/app", "jdbc:postgresql://[::1]:x/app",
                "jdbc:postgresql://db/app%zz", "jdbc:postgresql://db/app%41", "jdbc:postgresql:app%2",
                "jdbc:postgresql://db/app?user=a&password=b", "jdbc:postgresql://db/app?password=%zz",
                "jdbc:postgresql://db/app?ssl", "jdbc:postgresql://db/app?&&ssl=true&", "jdbc:postgresql://db/app?=x",
                "jdbc:postgresql://db/app?port=6543", "jdbc:postgresql://db/app?port=0",
                "jdbc:postgresql://db/app?PORT=abc", "jdbc:postgresql://db/app?port", "jdbc:postgresql://db/app?PGPORT",
                "jdbc:postgresql://db/app?host=a,b", "jdbc:postgresql://db/app?host=a,b&port=1,2",
                "jdbc:postgresql:app?host=a,b", "jdbc:postgresql:app?port=1,2", "jdbc:postgresql:app?PGHOST",
                "jdbc:postgresql://db/app?dbname=x%", "jdbc:postgresql://db/app?options=-c%20search_path%3Dx",
                "jdbc:postgresql://db:5432/app?port=5432,", "jdbc:postgresql://db:5432,/app",
                "jdbc:mysql://db/app", "JDBC:postgresql://db/app", "", "jdbc:postgresql", "x?jdbc:postgresql://db/a",
                "jdbc:postgresql://db/app?a=1?b=2", "jdbc:postgresql://us%20er@db/app", "jdbc:postgresql://db/ap p");
        int accepted = 0;
        for (String url : corpus) {
            boolean driver;
            try {
                driver = org.postgresql.Driver.parseURL(url, null) != null;
            } catch (RuntimeException e) {
                driver = false;
            }
            assertEquals(driver, JdbcUrls.parsable(url), url);
            accepted += driver ? 1 : 0;
        }
        assertTrue(accepted > 10 && accepted < corpus.size() - 10, "the corpus holds good and bad URLs: " + accepted);
        assertFalse(JdbcUrls.parsable("jdbc:postgresql://db/app%zz?service=x"));
        assertTrue(JdbcUrls.parsable("jdbc:postgresql://db/app?service=x"), "looked up when the pool connects");
    }
}
