package io.bulwark.runtime.twofactor;

import io.nayuki.qrcodegen.QrCode;

/**
 * A QR code as text for a terminal: each character covers two rows of modules, top and bottom half, so a module is
 * about square in a terminal cell twice as tall as wide.
 *
 * <p>The block characters are East Asian "ambiguous width": a terminal set up for a CJK locale may draw them two
 * columns wide, which stretches the code sideways.
 */
final class QrText {

    static final char UPPER_HALF = '\u2580';
    static final char LOWER_HALF = '\u2584';
    static final char FULL = '\u2588';
    static final char NONE = ' ';

    private QrText() {
    }

    static String render(QrCode qr, int quietZone, TerminalBackground background) {
        int modules = qr.size + 2 * quietZone;
        StringBuilder out = new StringBuilder((modules + 1) * ((modules + 1) / 2));
        for (int y = 0; y < modules; y += 2) {
            for (int x = 0; x < modules; x++) {
                boolean top = painted(qr, x - quietZone, y - quietZone, background);
                // The side is odd (4 × version + 17, plus 8), so the last line has no bottom row: its lower half
                // shows the terminal's background, below a quiet zone that is already complete.
                boolean bottom = y + 1 < modules && painted(qr, x - quietZone, y + 1 - quietZone, background);
                out.append(top ? (bottom ? FULL : UPPER_HALF) : (bottom ? LOWER_HALF : NONE));
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Whether the module is drawn in the foreground colour, i.e. as (half) a block. */
    private static boolean painted(QrCode qr, int x, int y, TerminalBackground background) {
        // getModule answers light outside the code: the quiet zone.
        boolean dark = qr.getModule(x, y);
        return background == TerminalBackground.DARK ? !dark : dark;
    }
}
