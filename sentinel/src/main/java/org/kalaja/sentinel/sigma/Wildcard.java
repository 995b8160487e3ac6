package org.kalaja.sentinel.sigma;

import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A Sigma string value compiled once into a matcher: {@code *} any run, {@code ?} one character,
 * {@code \*}, {@code \?} and {@code \\} escapes, any other backslash literal. Case-insensitive unless
 * {@code cased}. Plain, prefix, suffix and infix values avoid regular expressions entirely.
 */
final class Wildcard {
    private Wildcard() {
    }

    static Predicate<String> compile(String value, boolean cased) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        boolean leadingStar = false;
        boolean trailingStar = false;
        boolean inner = false; // a wildcard other than one leading and one trailing *
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
                literal.append(value.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (c == '*' && i == 0) {
                    leadingStar = true;
                } else if (c == '*' && i == value.length() - 1) {
                    trailingStar = true;
                } else {
                    inner = true;
                }
                regex.append(Pattern.quote(literal.toString())).append(c == '*' ? ".*" : ".");
                literal.setLength(0);
                continue;
            } else {
                literal.append(c);
            }
        }
        if (inner) {
            regex.append(Pattern.quote(literal.toString()));
            Pattern p = Pattern.compile(regex.toString(), Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
            return s -> p.matcher(s).matches();
        }
        // Rebuild the literal alone: the loop above flushed it into regex at each wildcard.
        String lit = unescape(value, leadingStar, trailingStar);
        if (cased) {
            if (leadingStar && trailingStar) return s -> s.contains(lit);
            if (leadingStar) return s -> s.endsWith(lit);
            if (trailingStar) return s -> s.startsWith(lit);
            return lit::equals;
        }
        String low = lit.toLowerCase(Locale.ROOT);
        if (leadingStar && trailingStar) return s -> s.toLowerCase(Locale.ROOT).contains(low);
        if (leadingStar) return s -> s.regionMatches(true, s.length() - lit.length(), lit, 0, lit.length());
        if (trailingStar) return s -> s.regionMatches(true, 0, lit, 0, lit.length());
        return lit::equalsIgnoreCase;
    }

    private static String unescape(String value, boolean leadingStar, boolean trailingStar) {
        StringBuilder out = new StringBuilder();
        int end = trailingStar ? value.length() - 1 : value.length();
        for (int i = leadingStar ? 1 : 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) c = value.charAt(++i);
            out.append(c);
        }
        return out.toString();
    }

    /** A value with its wildcards escaped, so that {@link #compile} matches it literally. */
    static String escape(String literal) {
        return literal.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
    }
}
