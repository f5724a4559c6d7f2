package io.bulwark.runtime.twofactor;

import io.nayuki.qrcodegen.QrCode;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** A QR code as a 1-bit PNG, black on white. */
final class QrPng {

    static final int MAX_MODULE_PIXELS = 32;

    private QrPng() {
    }

    static byte[] render(QrCode qr, int quietZone, int modulePixels) {
        if (modulePixels < 1 || modulePixels > MAX_MODULE_PIXELS) {
            throw new IllegalArgumentException("QR module size must be 1 to " + MAX_MODULE_PIXELS + " pixels, was "
                    + modulePixels);
        }
        int modules = qr.size + 2 * quietZone;
        int pixels = modules * modulePixels;
        // One bit a pixel: the PNG stays a few kilobytes. The default palette of TYPE_BYTE_BINARY is 0 black, 1 white.
        BufferedImage image = new BufferedImage(pixels, pixels, BufferedImage.TYPE_BYTE_BINARY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[pixels];
        for (int my = 0; my < modules; my++) {
            for (int mx = 0; mx < modules; mx++) {
                // getModule answers light outside the code, which draws the quiet zone.
                int sample = qr.getModule(mx - quietZone, my - quietZone) ? 0 : 1;
                Arrays.fill(row, mx * modulePixels, (mx + 1) * modulePixels, sample);
            }
            for (int py = 0; py < modulePixels; py++) {
                raster.setSamples(0, my * modulePixels + py, pixels, 1, 0, row);
            }
        }
        return write(image);
    }

    private static byte[] write(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        // ImageIO.write(image, "png", out) would buffer through a temporary file when ImageIO's cache is on, as it is
        // by default: the QR code of a secret would land on disk. A memory cache keeps it in the heap, without
        // changing ImageIO's global setting under the application.
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the QR code as PNG", e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
