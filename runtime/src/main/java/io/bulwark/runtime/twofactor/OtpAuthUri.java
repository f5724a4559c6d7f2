package io.bulwark.runtime.twofactor;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The {@code otpauth://totp/...} URI an authenticator app enrolls from (Google's Key-Uri-Format), usually shown as
 * a QR code ({@link EnrollmentQrCode}):
 *
 * <pre>{@code
 * OtpAuthUri uri = OtpAuthUri.of("ACME Co", "alice@example.com", secret);
 * uri.toUriString();
 * // otpauth://totp/ACME%20Co:alice@example.com?secret=...&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30
 * }</pre>
 *
 * <p>The label is {@code issuer:account}, and the issuer is repeated in the {@code issuer} parameter, as the format
 * recommends. Both are percent-encoded as UTF-8: everything but RFC 3986's unreserved characters and {@code @}
 * (kept so an e-mail address stays readable; it is legal in a path and a query), a space as {@code %20}, never
 * {@code +}, which the format forbids and apps would show literally. All parameters are written, even at their
 * defaults, because some apps assume nothing.
 *
 * <p><b>Colons.</b> An issuer or account containing {@code :} is rejected. The colon separates the two in the
 * label, the format says neither may contain one, and encoding it as {@code %3A} does not help: the format allows
 * the separator itself to be written {@code %3A}, so apps decode before they split and would cut the name at it.
 * Names must also be non-blank, without leading or trailing whitespace (apps trim it, so what they show would
 * differ), without control characters, valid UTF-16 and at most 128 characters. Error messages give the index,
 * not the name: an account is usually an e-mail address, which does not belong in a log.
 *
 * <p>The URI contains the secret: {@link #toString()} leaves it out, and {@link #toUriString()} is for the QR code
 * or the app only, never a log.
 */
public final class OtpAuthUri {

    /** Long enough for any real issuer or address; short enough that the QR code stays readable on a screen. */
    static final int MAX_NAME_LENGTH = 128;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final String issuer;
    private final String account;
    private final TotpParameters parameters;
    private final String uri;

    private OtpAuthUri(String issuer, String account, TotpParameters parameters, String uri) {
        this.issuer = issuer;
        this.account = account;
        this.parameters = parameters;
        this.uri = uri;
    }

    /** The URI for {@link TotpParameters#DEFAULT} (SHA1, 6 digits, 30 s). */
    public static OtpAuthUri of(String issuer, String account, TotpSecret secret) {
        return of(issuer, account, secret, TotpParameters.DEFAULT);
    }

    /**
     * The URI enrolling {@code secret} for {@code account} at {@code issuer}.
     *
     * @param issuer  the service, shown by the app above the code (e.g. {@code ACME Co})
     * @param account the user at that service (e.g. an e-mail address)
     * @throws IllegalArgumentException if a name is empty, contains {@code :} or a control character, is not valid
     *                                  UTF-16, starts or ends with whitespace or is longer than 128 characters
     */
    public static OtpAuthUri of(String issuer, String account, TotpSecret secret, TotpParameters parameters) {
        checkName("issuer", issuer);
        checkName("account", account);
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(parameters, "parameters");
        String encodedIssuer = percentEncode(issuer);
        String uri = "otpauth://totp/" + encodedIssuer + ':' + percentEncode(account)
                + "?secret=" + secret.toBase32()
                + "&issuer=" + encodedIssuer
                + "&algorithm=" + parameters.algorithm().otpauthName()
                + "&digits=" + parameters.digits()
                + "&period=" + parameters.periodSeconds();
        return new OtpAuthUri(issuer, account, parameters, uri);
    }

    private static void checkName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new IllegalArgumentException("otpauth " + what + " must not be empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("otpauth " + what + " must be at most " + MAX_NAME_LENGTH
                    + " characters, was " + name.length());
        }
        if (!name.strip().equals(name)) {
            throw new IllegalArgumentException("otpauth " + what + " starts or ends with whitespace, which apps trim");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == ':') {
                throw new IllegalArgumentException("otpauth " + what + " contains ':' at index " + i
                        + "; the colon separates issuer and account in the label and may not appear in either");
            }
            if (Character.isISOControl(c)) {
                throw new IllegalArgumentException("otpauth " + what + " contains a control character at index "
                        + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // UTF-8 has no encoding for half a surrogate pair; String.getBytes would silently write '?'.
                throw new IllegalArgumentException("otpauth " + what + " has an unpaired surrogate at index " + i);
            }
        }
    }

    /** RFC 3986 percent-encoding of the UTF-8 bytes, keeping unreserved characters and {@code @}. */
    static String percentEncode(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(utf8.length * 3);
        for (byte b : utf8) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '@') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 15]);
            }
        }
        return out.toString();
    }

    public String issuer() {
        return issuer;
    }

    public String account() {
        return account;
    }

    public TotpParameters parameters() {
        return parameters;
    }

    /** The full URI, secret included: for the QR code or the app, never for a log. */
    public String toUriString() {
        return uri;
    }

    /**
     * Neither the secret nor the account (an address, for a log line): e.g.
     * {@code OtpAuthUri[issuer=ACME Co, SHA1, 6 digits, 30 s]}.
     */
    @Override
    public String toString() {
        return "OtpAuthUri[issuer=" + issuer + ", " + parameters.algorithm().otpauthName() + ", "
                + parameters.digits() + " digits, " + parameters.periodSeconds() + " s]";
    }
}
