package org.kalaja.portal.cases;

import java.security.SecureRandom;

/**
 * Application references citizens read aloud on the phone: {@code KAL-XXXX-XXXX} in Crockford's
 * base 32 (no I, L, O, U), the last character a check character over the others, so a mistyped
 * reference is refused before it is looked up.
 */
public final class References {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private References() {
    }

    public static String next() {
        char[] c = new char[8];
        int sum = 0;
        for (int i = 0; i < 7; i++) {
            int v = RANDOM.nextInt(32);
            c[i] = ALPHABET.charAt(v);
            sum += v * (i + 1);
        }
        c[7] = ALPHABET.charAt(sum % 32);
        return "KAL-" + new String(c, 0, 4) + "-" + new String(c, 4, 4);
    }

    /** Whether {@code ref} is well formed and its check character matches (case-insensitive). */
    public static boolean valid(String ref) {
        String r = ref.strip().toUpperCase(java.util.Locale.ROOT);
        if (!r.matches("KAL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")) return false;
        String body = r.substring(4, 8) + r.substring(9, 13);
        int sum = 0;
        for (int i = 0; i < 7; i++) sum += ALPHABET.indexOf(body.charAt(i)) * (i + 1);
        return ALPHABET.charAt(sum % 32) == body.charAt(7);
    }

    /** {@code ref} as stored: trimmed, upper case. */
    public static String normalize(String ref) {
        return ref.strip().toUpperCase(java.util.Locale.ROOT);
    }
}
