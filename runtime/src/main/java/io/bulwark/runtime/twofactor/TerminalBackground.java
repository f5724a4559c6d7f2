package io.bulwark.runtime.twofactor;

/**
 * The background of the terminal a QR code is printed on. A block character is painted in the terminal's
 * foreground colour and a space shows its background, so which modules are drawn as blocks decides whether the code
 * appears dark on light, as scanners expect (many phone camera apps do not read an inverted code), or light on dark.
 */
public enum TerminalBackground {
    /**
     * Light text on a dark background, the default of most terminals: the light modules and the quiet zone are
     * drawn as blocks, the dark modules are left as spaces. On a light terminal this comes out inverted.
     */
    DARK,
    /**
     * Dark text on a light background: the dark modules are drawn as blocks, the light ones and the quiet zone are
     * left as spaces. On a dark terminal this comes out inverted.
     */
    LIGHT
}
