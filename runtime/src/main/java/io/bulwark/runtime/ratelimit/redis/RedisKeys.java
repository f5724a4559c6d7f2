package io.bulwark.runtime.ratelimit.redis;

import io.bulwark.Count;
import io.bulwark.runtime.ratelimit.Algorithm;
import io.bulwark.runtime.ratelimit.RateLimitPolicy;
import io.bulwark.runtime.secrets.Utf16;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Redis key names: {@code bulwark:{<policy>:<hash>}}. The rendered key (user input: an email, an IP, a 1 MB
 * string) only ever appears as 128 bits of its SHA-256, so it can neither inject into the key nor bloat it; the
 * braces make the whole name a Redis Cluster hash tag. The kind of state ({@code g} GCRA, {@code w} window,
 * {@code f} failures) is hashed in too, so that switching a policy's algorithm never meets the old state; so is its
 * mode (shadow mode as the kind in upper case), so that nothing counted in shadow mode (a would-be lockout, a
 * reservation) ever refuses a call once the policy enforces, and enforce mode's state is untouched by a trial in
 * shadow mode.
 */
final class RedisKeys {

    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    });

    private RedisKeys() {
    }

    static char kind(RateLimitPolicy policy) {
        if (policy.count() == Count.FAILURES) {
            return 'f';
        }
        return policy.algorithm() == Algorithm.SLIDING_WINDOW ? 'w' : 'g';
    }

    static String key(RateLimitPolicy policy, String renderedKey) {
        char kind = kind(policy);
        return key(policy.name(), policy.shadow() ? Character.toUpperCase(kind) : kind, renderedKey);
    }

    /** Every key a policy may have used for {@code renderedKey}, whatever its kind and mode: what a reset deletes. */
    static List<String> allKinds(String policy, String renderedKey) {
        return List.of(key(policy, 'g', renderedKey), key(policy, 'w', renderedKey), key(policy, 'f', renderedKey),
                key(policy, 'G', renderedKey), key(policy, 'W', renderedKey), key(policy, 'F', renderedKey));
    }

    private static String key(String policy, char kind, String renderedKey) {
        MessageDigest sha = SHA256.get();
        sha.update((byte) kind);
        byte[] digest = sha.digest(Utf16.bytes(renderedKey));
        return "bulwark:{" + policy + ":" + BASE64.encodeToString(Arrays.copyOf(digest, 16)) + "}";
    }
}
