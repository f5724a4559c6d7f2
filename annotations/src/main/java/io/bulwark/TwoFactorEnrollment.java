package io.bulwark;

import java.util.Objects;

/**
 * What a user needs to add a new second factor to their authenticator app, from {@link TwoFactor#enroll}: the
 * {@code otpauth://} URI, the same as a QR code (PNG, and text for a terminal) and the secret in Base32 for typing in
 * by hand. All of it carries the secret: show it to that user only, never log it. {@link #toString()} leaves it out.
 */
public final class TwoFactorEnrollment {

    private final String otpauthUri;
    private final String secret;
    private final byte[] qrPng;
    private final String qrText;

    public TwoFactorEnrollment(String otpauthUri, String secret, byte[] qrPng, String qrText) {
        this.otpauthUri = Objects.requireNonNull(otpauthUri, "otpauthUri");
        this.secret = Objects.requireNonNull(secret, "secret");
        this.qrPng = Objects.requireNonNull(qrPng, "qrPng").clone();
        this.qrText = Objects.requireNonNull(qrText, "qrText");
    }

    /** {@code otpauth://totp/Issuer:account?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30}. */
    public String otpauthUri() {
        return otpauthUri;
    }

    /** The secret in Base32, for apps where it is typed in rather than scanned. */
    public String secret() {
        return secret;
    }

    /** The URI as a QR code, a PNG image (a copy). */
    public byte[] qrPng() {
        return qrPng.clone();
    }

    /** The URI as a QR code drawn with Unicode blocks, for a terminal. */
    public String qrText() {
        return qrText;
    }

    @Override
    public String toString() {
        return "TwoFactorEnrollment[secret hidden]";
    }
}
