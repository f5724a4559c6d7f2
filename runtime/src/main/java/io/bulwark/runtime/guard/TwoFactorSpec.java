package io.bulwark.runtime.guard;

/**
 * A method's {@code @Requires2FA} as found in its class file, not yet checked.
 *
 * @param maxAge as written: {@code "5m"}, {@code "0"}
 */
public record TwoFactorSpec(String maxAge) {
}
