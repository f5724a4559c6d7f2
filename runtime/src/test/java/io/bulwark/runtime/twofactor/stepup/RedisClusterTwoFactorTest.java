package io.bulwark.runtime.twofactor.stepup;

import io.bulwark.runtime.config.Settings;
import io.bulwark.runtime.testing.RedisCluster;
import java.time.Duration;
import java.util.List;

/**
 * The same two-factor semantics with session freshness and the replay ledger on a Redis Cluster
 * ({@code bulwark.redis.cluster}): every key is hash-tagged, every script touches one key.
 */
class RedisClusterTwoFactorTest extends RedisTwoFactorTest {

    @Override
    Settings settings(byte[] key, List<byte[]> oldKeys) {
        return super.settings(key, oldKeys).withRedis(RedisCluster.shared().settings(Duration.ofSeconds(2), 4));
    }
}
