package io.bulwark.runtime.twofactor.stepup;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.bulwark.runtime.config.RedisSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.testing.RedisServer;
import io.bulwark.runtime.twofactor.TotpSecret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A service of several instances: second factors in PostgreSQL, session freshness and the replay ledger in a real
 * Redis, shared by every engine made here.
 */
class RedisTwoFactorTest extends PostgresTwoFactorTest {

    @Override
    Settings settings(byte[] key, List<byte[]> oldKeys) {
        return super.settings(key, oldKeys)
                .withRedis(new RedisSettings(RedisServer.shared(), Duration.ofSeconds(2), 4));
    }

    @Test
    void aSessionVerifiedOnOneInstanceIsFreshOnEveryOther() {
        TwoFactorEngine first = engine();
        TwoFactorEngine second = engine();
        TotpSecret secret = enrolled(first, alice);
        first.stepUp(caller(alice, "shared-session", code(secret, 1)), FIVE_MINUTES);
        assertDoesNotThrow(() -> second.stepUp(caller(alice, "shared-session", null), FIVE_MINUTES));
    }
}
