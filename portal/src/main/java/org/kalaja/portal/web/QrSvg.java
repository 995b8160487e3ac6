package org.kalaja.portal.web;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/**
 * A QR code as an SVG document: crisp when printed, no image files, and allowed by the portal's CSP
 * as a {@code data:} image or inline markup. One {@code <path>} of unit squares plus a quiet zone.
 */
public final class QrSvg {
    private QrSvg() {
    }

    /** The SVG for {@code text} (a verification URL, an otpauth URI), error correction level M. */
    public static String of(String text) {
        BitMatrix m;
        try {
            m = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4));
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode " + text.length() + " characters as a QR code", e);
        }
        StringBuilder d = new StringBuilder();
        for (int y = 0; y < m.getHeight(); y++) {
            for (int x = 0; x < m.getWidth(); x++) {
                if (m.get(x, y)) d.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + m.getWidth() + " " + m.getHeight()
                + "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>"
                + "<path fill=\"#000\" d=\"" + d + "\"/></svg>";
    }

    /** The SVG as a {@code data:} URI for an {@code <img src>} (the CSP allows data: images). */
    public static String dataUri(String text) {
        return "data:image/svg+xml;base64," + java.util.Base64.getEncoder().encodeToString(of(text).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
