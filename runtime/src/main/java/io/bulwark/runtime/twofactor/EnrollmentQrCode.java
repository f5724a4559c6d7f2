package io.bulwark.runtime.twofactor;

import io.nayuki.qrcodegen.DataTooLongException;
import io.nayuki.qrcodegen.QrCode;
import java.util.Objects;

/**
 * An otpauth URI as a QR code, rendered locally, as a PNG for a web page or as text for a terminal. Never send the
 * URI to a chart service: it contains the secret.
 *
 * <pre>{@code
 * EnrollmentQrCode qr = EnrollmentQrCode.of(OtpAuthUri.of("ACME Co", email, secret));
 * byte[] png = qr.toPng();                      // e.g. <img src="data:image/png;base64,...">
 * System.out.println(qr.toTerminalText());      // for a command-line enrollment
 * }</pre>
 *
 * <p><b>Error correction.</b> Level M (15% of the code may be lost), raised to Q or H when that fits in the same
 * version (the same number of modules). L would give a slightly smaller code, but the code is photographed off a
 * screen, where glare, moiré and a terminal's line spacing damage modules; H would make a URI with a SHA512 secret
 * large enough to be hard to read in a terminal window.
 *
 * <p>Every rendering includes the quiet zone of 4 light modules on each side that the QR standard requires.
 */
public final class EnrollmentQrCode {

    /** The quiet zone, in modules, on every side (ISO/IEC 18004 requires 4). */
    static final int QUIET_ZONE = 4;
    /** 8 pixels a module: a typical code (version 6 to 9, 41 to 53 modules) comes out at 400 to 500 pixels. */
    static final int DEFAULT_MODULE_PIXELS = 8;

    private final QrCode qr;

    private EnrollmentQrCode(QrCode qr) {
        this.qr = qr;
    }

    /**
     * The QR code of {@code uri}.
     *
     * @throws IllegalArgumentException if the URI does not fit in a QR code (only with very long non-ASCII names)
     */
    public static EnrollmentQrCode of(OtpAuthUri uri) {
        Objects.requireNonNull(uri, "uri");
        String text = uri.toUriString();
        try {
            return new EnrollmentQrCode(QrCode.encodeText(text, QrCode.Ecc.MEDIUM));
        } catch (DataTooLongException e) {
            throw new IllegalArgumentException("The otpauth URI is " + text.length() + " characters, too long for a QR"
                    + " code; shorten the issuer or account name", e);
        }
    }

    /** The PNG at 8 pixels a module, quiet zone included. */
    public byte[] toPng() {
        return toPng(DEFAULT_MODULE_PIXELS);
    }

    /**
     * The PNG at {@code modulePixels} pixels a module (1 to 32), quiet zone included: a square of
     * {@code (size() + 8) * modulePixels} pixels, black on white.
     */
    public byte[] toPng(int modulePixels) {
        return QrPng.render(qr, QUIET_ZONE, modulePixels);
    }

    /** The code for a terminal with a dark background, the common case: see {@link TerminalBackground#DARK}. */
    public String toTerminalText() {
        return toTerminalText(TerminalBackground.DARK);
    }

    /**
     * The code as lines of Unicode half blocks ({@code ▀ ▄ █} and space), two rows of modules a line, so that a
     * module is about square in a terminal's tall cells. The lines end with {@code \n}, all have {@code size() + 8}
     * characters, and they are drawn so that the code appears dark on light, as phone cameras expect, on a terminal
     * of the given background: see {@link TerminalBackground}.
     */
    public String toTerminalText(TerminalBackground background) {
        return QrText.render(qr, QUIET_ZONE, Objects.requireNonNull(background, "background"));
    }

    /** The number of modules on a side, without the quiet zone (21 to 177). */
    public int size() {
        return qr.size;
    }

    QrCode qrCode() {
        return qr;
    }

    /** The version and size only: the code encodes the secret. */
    @Override
    public String toString() {
        return "EnrollmentQrCode[version " + qr.version + ", " + qr.size + " modules, ECC "
                + qr.errorCorrectionLevel + "]";
    }
}
