package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.config.AuditSettings;
import io.bulwark.runtime.config.Settings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default: second factors in files under the data directory, sessions in memory. */
class FileTwoFactorTest extends TwoFactorContract {

    @TempDir
    Path dataDir;

    @Override
    Settings settings(byte[] key, List<byte[]> oldKeys) {
        return Settings.defaults().withAudit(AuditSettings.defaults().withDataDir(dataDir))
                .withTwoFactor(twoFactor(key, oldKeys));
    }
}
