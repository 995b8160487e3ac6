package org.kalaja.ledger;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** Key names and key IDs as c2sp.org/signed-note defines them. */
final class KeyNames {
    private KeyNames() {}

    /**
     * Checks a key name: non-empty, no Unicode space (Go's {@code unicode.IsSpace}), no '+', no
     * control character, no lone surrogate.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static void check(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("invalid key name " + quote(name) + ": " + problem);
        }
    }

    static boolean isValid(String name) {
        return problem(name) == null;
    }

    private static String problem(String name) {
        if (name.isEmpty()) {
            return "it is empty";
        }
        if (Utf8.encodedLength(name) < 0) {
            return "it holds a lone surrogate";
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp == '+') {
                return "it contains '+' at position " + i;
            }
            if (isSpace(cp)) {
                return "it contains a space character (U+" + String.format("%04X", cp) + ") at position " + i;
            }
            if (cp < 0x20) {
                return "it contains a control character (U+" + String.format("%04X", cp) + ") at position " + i;
            }
            i += Character.charCount(cp);
        }
        return null;
    }

    /** Unicode White_Space, as Go's unicode.IsSpace. */
    static boolean isSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || Character.isSpaceChar(cp);
    }

    /** SHA-256(name || 0x0A || type || publicKey)[:4], big-endian. */
    static int keyId(String name, byte type, byte[] publicKey) {
        var d = Hash.sha256Digest();
        d.update(name.getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0x0A);
        d.update(type);
        d.update(publicKey);
        byte[] h = d.digest();
        return ((h[0] & 0xFF) << 24) | ((h[1] & 0xFF) << 16) | ((h[2] & 0xFF) << 8) | (h[3] & 0xFF);
    }

    static String hex(int keyId) {
        return HexFormat.of().toHexDigits(keyId);
    }

    /** Parses exactly 8 lower-case hex digits. */
    static int parseHex(String s, String what) {
        if (s.length() != 8) {
            throw new IllegalArgumentException(what + " must be 8 hex digits, got " + quote(s));
        }
        for (int i = 0; i < 8; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException(what + " must be 8 lower-case hex digits, got " + quote(s));
            }
        }
        return (int) Long.parseLong(s, 16);
    }

    /** A short, printable rendering of untrusted text for error messages. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        int n = Math.min(s.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > n) {
            b.append("...");
        }
        return b.append('"').toString();
    }
}
