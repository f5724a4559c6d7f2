package io.bulwark.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
