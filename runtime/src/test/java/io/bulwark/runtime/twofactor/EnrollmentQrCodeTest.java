package io.bulwark.runtime.twofactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.nayuki.qrcodegen.QrCode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Without a QR decoder among the dependencies, these tests check structure: that each rendering draws exactly the
 * modules of the encoder's {@link QrCode}, with the quiet zone, at the promised size.
 */
class EnrollmentQrCodeTest {

    private static final int BLACK = 0xff000000;
    private static final int WHITE = 0xffffffff;

    private static final TotpSecret SECRET = TotpSecret.of("12345678901234567890".getBytes(StandardCharsets.US_ASCII));
    private static final EnrollmentQrCode QR = EnrollmentQrCode.of(OtpAuthUri.of("ACME Co", "alice@example.com",
            SECRET));

    private static int darkModules(QrCode qr) {
        int dark = 0;
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                dark += qr.getModule(x, y) ? 1 : 0;
            }
        }
        return dark;
    }

    @Test
    void encodesTheUriAtMediumErrorCorrectionOrBetter() {
        QrCode qr = QR.qrCode();
        assertTrue(qr.errorCorrectionLevel.ordinal() >= QrCode.Ecc.MEDIUM.ordinal(), qr.errorCorrectionLevel.name());
        QrCode expected = QrCode.encodeText(OtpAuthUri.of("ACME Co", "alice@example.com", SECRET).toUriString(),
                QrCode.Ecc.MEDIUM);
        assertEquals(expected.size, qr.size);
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                assertEquals(expected.getModule(x, y), qr.getModule(x, y));
            }
        }
    }

    @Test
    void pngDecodesToTheCodePlusQuietZoneAtEightPixelsAModule() throws Exception {
        QrCode qr = QR.qrCode();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QR.toPng()));
        int side = (qr.size + 8) * 8;
        assertEquals(side, image.getWidth());
        assertEquals(side, image.getHeight());
    }

    @Test
    void pngDrawsEveryModuleAsASquareOfItsColourInsideAWhiteQuietZone() throws Exception {
        QrCode qr = QR.qrCode();
        int scale = 3;
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(QR.toPng(scale)));
        int modules = qr.size + 8;
        int blackPixels = 0;
        for (int py = 0; py < modules * scale; py++) {
            for (int px = 0; px < modules * scale; px++) {
                int rgb = image.getRGB(px, py);
                assertTrue(rgb == BLACK || rgb == WHITE, "pure black or white");
                boolean dark = qr.getModule(px / scale - 4, py / scale - 4);
                assertEquals(dark ? BLACK : WHITE, rgb, "pixel " + px + "," + py);
                blackPixels += rgb == BLACK ? 1 : 0;
            }
        }
        assertEquals(darkModules(qr) * scale * scale, blackPixels);
    }

    @Test
    void pngRefusesModuleSizesOutsideOneToThirtyTwo() {
        assertThrows(IllegalArgumentException.class, () -> QR.toPng(0));
        assertThrows(IllegalArgumentException.class, () -> QR.toPng(33));
        assertEquals(QR.size() + 8, readWidth(QR.toPng(1)));
    }

    private static int readWidth(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png)).getWidth();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void terminalTextHasTwoModuleRowsALineAndTheQuietZoneOnEverySide() {
        int modules = QR.size() + 8;
        String[] lines = QR.toTerminalText().split("\n", -1);
        assertEquals("", lines[lines.length - 1], "every line ends with a newline");
        String[] body = Arrays.copyOf(lines, lines.length - 1);
        assertEquals((modules + 1) / 2, body.length);
        for (String line : body) {
            assertEquals(modules, line.length());
            assertTrue(line.chars().allMatch(c -> " \u2580\u2584\u2588".indexOf(c) >= 0), line);
        }
    }

    @Test
    void terminalTextForADarkBackgroundPaintsTheLightModulesSoTheCodeShowsDarkOnLight() {
        QrCode qr = QR.qrCode();
        boolean[][] painted = parse(QR.toTerminalText(TerminalBackground.DARK), qr.size + 8);
        for (int y = 0; y < qr.size + 8; y++) {
            for (int x = 0; x < qr.size + 8; x++) {
                assertEquals(!qr.getModule(x - 4, y - 4), painted[y][x], "module " + x + "," + y);
            }
        }
        // The quiet zone is light, so on a dark terminal its first line is solid blocks.
        assertEquals("\u2588".repeat(qr.size + 8), QR.toTerminalText().lines().findFirst().orElseThrow());
    }

    @Test
    void terminalTextForALightBackgroundPaintsTheDarkModules() {
        QrCode qr = QR.qrCode();
        boolean[][] painted = parse(QR.toTerminalText(TerminalBackground.LIGHT), qr.size + 8);
        int count = 0;
        for (int y = 0; y < qr.size + 8; y++) {
            for (int x = 0; x < qr.size + 8; x++) {
                assertEquals(qr.getModule(x - 4, y - 4), painted[y][x], "module " + x + "," + y);
                count += painted[y][x] ? 1 : 0;
            }
        }
        assertEquals(darkModules(qr), count);
    }

    @Test
    void terminalTextLeavesTheHalfRowBelowTheCodeUnpainted() {
        // The side is odd: the last line's lower halves lie outside the code and show the terminal background.
        String last = QR.toTerminalText().lines().reduce((a, b) -> b).orElseThrow();
        assertEquals("\u2580".repeat(QR.size() + 8), last);
    }

    /** Reads half blocks back into a grid of painted modules, one text line for two module rows. */
    private static boolean[][] parse(String text, int modules) {
        boolean[][] painted = new boolean[modules + 1][modules];
        String[] lines = text.split("\n");
        for (int line = 0; line < lines.length; line++) {
            for (int x = 0; x < modules; x++) {
                char c = lines[line].charAt(x);
                painted[2 * line][x] = c == '\u2588' || c == '\u2580';
                painted[2 * line + 1][x] = c == '\u2588' || c == '\u2584';
            }
        }
        return Arrays.copyOf(painted, modules);
    }

    @Test
    void encodesSha512SecretsAndLongUnicodeNames() {
        TotpSecret secret = TotpSecret.generate(TotpAlgorithm.SHA512, new SecureRandom());
        OtpAuthUri uri = OtpAuthUri.of("Ünïcödé Bank", "alice@example.com", secret,
                new TotpParameters(TotpAlgorithm.SHA512, 8, 30));
        EnrollmentQrCode qr = EnrollmentQrCode.of(uri);
        assertTrue(qr.size() <= 73, "version 14 or lower, was " + qr.size() + " modules");
    }

    @Test
    void refusesAUriTooLongForAQrCodeWithoutShowingIt() {
        String issuer = "\ud83d\udd12".repeat(64);
        OtpAuthUri uri = OtpAuthUri.of(issuer, "\ud83d\udd11".repeat(64), SECRET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnrollmentQrCode.of(uri));
        assertTrue(e.getMessage().startsWith("The otpauth URI is "), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET.toBase32()));
    }

    @Test
    void toStringDoesNotShowTheUri() {
        String text = QR.toString();
        assertTrue(text.startsWith("EnrollmentQrCode[version "), text);
        assertFalse(text.contains("otpauth"), text);
        assertFalse(text.contains(SECRET.toBase32()), text);
    }
}
