package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.JdbcSettings;
import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.testing.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** Second factors in a real PostgreSQL's user_security_settings (a fresh schema per test), sessions in memory. */
class PostgresTwoFactorTest extends TwoFactorContract {

    @TempDir
    Path dataDir;

    final String jdbcUrl = PostgresServer.freshSchema("twofactor").jdbcUrl();

    @Override
    Settings settings(byte[] key, List<byte[]> oldKeys) {
        return Settings.defaults()
                .withAudit(AuditSettings.defaults().withDataDir(dataDir)
                        .withJdbc(new JdbcSettings(jdbcUrl, null, null, 2)))
                .withTwoFactor(twoFactor(key, oldKeys));
    }
}
