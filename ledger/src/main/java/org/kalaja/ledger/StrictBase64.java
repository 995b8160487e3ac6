package org.kalaja.ledger;

import java.util.Base64;

/**
 * Standard padded base64 (RFC 4648 section 4), canonical only: the JDK decoder also accepts missing
 * padding and non-zero trailing bits, which would let one value have several spellings in a signed
 * or hashed text.
 */
final class StrictBase64 {
    private StrictBase64() {}

    /**
     * Decodes {@code s}.
     *
     * @throws IllegalArgumentException naming {@code what} if {@code s} is not canonical base64
     */
    static byte[] decode(String s, String what) {
        byte[] out;
        try {
            out = Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not base64: " + e.getMessage(), e);
        }
        if (!Base64.getEncoder().encodeToString(out).equals(s)) {
            throw new IllegalArgumentException(what + " is not canonical padded base64: " + KeyNames.quote(s));
        }
        return out;
    }

    static String encode(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
