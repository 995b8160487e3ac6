package org.kalaja.ledger;

/**
 * Strict UTF-8 for the ledger's formats: well-formed only (RFC 3629, Unicode Table 3-7), so no
 * overlong forms, no surrogates, nothing above U+10FFFF. The JDK's {@code String.getBytes} silently
 * replaces lone surrogates and its decoder silently replaces bad bytes; both would break the
 * canonical round trip, so this class refuses instead and says where.
 */
final class Utf8 {
    private Utf8() {}

    /**
     * The UTF-8 length of {@code s}, or -1 if {@code s} holds a lone surrogate (which has no UTF-8
     * encoding).
     */
    static int encodedLength(String s) {
        int n = s.length();
        int len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                len += 1;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                len += 2; // 4 bytes for 2 chars
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                len += 2;
            }
        }
        return len;
    }

    /**
     * Writes the UTF-8 encoding of {@code s} (which MUST have passed {@link #encodedLength}) into
     * {@code dst} at {@code off}; returns the offset after it.
     */
    static int encode(String s, byte[] dst, int off) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[off++] = (byte) c;
            } else if (c < 0x800) {
                dst[off++] = (byte) (0xC0 | (c >> 6));
                dst[off++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst[off++] = (byte) (0xF0 | (cp >> 18));
                dst[off++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                dst[off++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                dst[off++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                dst[off++] = (byte) (0xE0 | (c >> 12));
                dst[off++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                dst[off++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return off;
    }

    /**
     * The offset of the first byte of the first ill-formed sequence in {@code b[off, off+len)}, or -1
     * if the range is well-formed UTF-8.
     */
    static int firstInvalid(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) {
                    lo = 0xA0; // no overlong
                } else if (c == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) {
                    lo = 0x90; // no overlong
                } else if (c == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return i;
            }
            if (end - i - 1 < need) {
                return i;
            }
            int c1 = b[i + 1] & 0xFF;
            if (c1 < lo || c1 > hi) {
                return i;
            }
            for (int k = 2; k <= need; k++) {
                int ck = b[i + k] & 0xFF;
                if (ck < 0x80 || ck > 0xBF) {
                    return i;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}
