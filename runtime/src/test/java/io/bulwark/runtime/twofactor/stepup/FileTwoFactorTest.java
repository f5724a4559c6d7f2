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

    /** Every code presented for any user id used to leave a .lock file behind for good. */
    @org.junit.jupiter.api.Test
    void codesForUsersWithoutAFactorLeaveNoFileBehind() throws Exception {
        TwoFactorEngine engine = engine();
        for (int i = 0; i < 20; i++) {
            String user = "ghost-" + i;
            org.junit.jupiter.api.Assertions.assertThrows(io.bulwark.TwoFactorRequiredException.class,
                    () -> engine.stepUp(io.bulwark.Caller.of(user).otp("123456"), java.time.Duration.ofMinutes(5)));
            engine.status(user);
            engine.disable(user);
            engine.unlock(user);
        }
        java.nio.file.Path dir = dataDir.resolve("2fa");
        try (var files = java.nio.file.Files.list(dir)) {
            org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of("totp.key"),
                    files.map(f -> f.getFileName().toString()).toList());
        } catch (java.nio.file.NoSuchFileException e) {
            // nothing at all: fine too
        }
    }
}
