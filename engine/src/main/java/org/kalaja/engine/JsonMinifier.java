package org.kalaja.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The fast path of {@link JsonBodies#normalize}: a one-pass validator that removes insignificant
 * whitespace from the JSON most clients send, and declines (returns null) whenever the body holds
 * something whose normal form it does not produce itself. Jackson then decides, and says what is
 * wrong with a bad body.
 *
 * <p>What it accepts, its output is byte for byte what Jackson's re-serialization gives (a property
 * test holds it to that): one object; strings without escapes ({@code \\}) in well-formed UTF-8 of
 * at most three bytes a character (no overlong forms, no surrogates, no control characters; Jackson
 * writes characters above U+FFFF as escaped surrogate pairs, so those go to Jackson); integers of at
 * most 18 digits other than {@code -0}; {@code true}, {@code false}, {@code null}; nesting at most
 * {@value #MAX_DEPTH} deep; unique member names of at most {@value #MAX_NAME} bytes. It declines
 * everything else: escapes, fractions and exponents (Jackson rewrites them), a byte-order mark,
 * trailing content, and every error.
 *
 * <p>Why: normalizing through Jackson's parser and generator costs about four times a single pass,
 * and at 100,000 writes a second that is a core's worth of the machine.
 */
final class JsonMinifier {
    private static final int MAX_DEPTH = 500;
    /** Longer member names go to Jackson, which limits them (StreamReadConstraints, 50,000). */
    private static final int MAX_NAME = 1_000;
    /** Up to this many members an object's names are compared pairwise; beyond, through a set. */
    private static final int LINEAR_NAMES = 12;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final byte[] in;
    private int p;
    /** Insignificant whitespace bytes seen: the output is the input without them. */
    private int skipped;

    private JsonMinifier(byte[] in) {
        this.in = in;
    }

    /** The minified body, or null if the fast path declines it (Jackson must decide). */
    static byte @Nullable [] minify(byte[] body) {
        JsonMinifier m = new JsonMinifier(body);
        try {
            m.skipWhitespace();
            if (m.p >= body.length || body[m.p] != '{') return null;
            if (!m.object(1)) return null;
            m.skipWhitespace();
            if (m.p != body.length) return null;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return null; // the body ended inside a value
        }
        return m.skipped == 0 ? body.clone() : withoutWhitespace(body, body.length - m.skipped);
    }

    /**
     * {@code body}, which {@link #minify} validated, without its whitespace outside strings: it holds no
     * escapes, so every quote opens or closes a string.
     */
    private static byte[] withoutWhitespace(byte[] body, int length) {
        byte[] out = new byte[length];
        int q = 0;
        boolean inString = false;
        for (byte b : body) {
            if (b == '"') inString = !inString;
            if (inString || b == '"' || (b != ' ' && b != '\n' && b != '\r' && b != '\t')) out[q++] = b;
        }
        return out;
    }

    private boolean value(int depth) {
        skipWhitespace();
        byte b = in[p];
        return switch (b) {
            case '{' -> depth < MAX_DEPTH && object(depth + 1);
            case '[' -> depth < MAX_DEPTH && array(depth + 1);
            case '"' -> string() >= 0;
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> b == '-' || (b >= '0' && b <= '9') ? integer() : false;
        };
    }

    /** At '{'. */
    private boolean object(int depth) {
        p++;
        skipWhitespace();
        if (in[p] == '}') {
            p++;
            return true;
        }
        int[] names = new int[2 * LINEAR_NAMES];
        int count = 0;
        Set<String> many = null;
        while (true) {
            skipWhitespace();
            if (in[p] != '"') return false;
            int start = p + 1;
            int length = string();
            if (length < 0 || length > MAX_NAME) return false;
            int end = p - 1;
            if (count < LINEAR_NAMES) {
                for (int i = 0; i < count; i++) {
                    if (Arrays.equals(in, names[2 * i], names[2 * i + 1], in, start, end)) return false;
                }
                names[2 * count] = start;
                names[2 * count + 1] = end;
            } else {
                if (many == null) {
                    many = new HashSet<>();
                    for (int i = 0; i < LINEAR_NAMES; i++) many.add(name(names[2 * i], names[2 * i + 1]));
                }
                if (!many.add(name(start, end))) return false;
            }
            count++;
            skipWhitespace();
            if (in[p] != ':') return false;
            p++;
            if (!value(depth)) return false;
            skipWhitespace();
            byte b = in[p++];
            if (b == '}') return true;
            if (b != ',') return false;
        }
    }

    private String name(int start, int end) {
        return new String(in, start, end - start, StandardCharsets.ISO_8859_1);
    }

    /** At '['. */
    private boolean array(int depth) {
        p++;
        skipWhitespace();
        if (in[p] == ']') {
            p++;
            return true;
        }
        while (true) {
            if (!value(depth)) return false;
            skipWhitespace();
            byte b = in[p++];
            if (b == ']') return true;
            if (b != ',') return false;
        }
    }

    /** At '"': passes the string and its quotes; returns its length, or -1 to decline. */
    private int string() {
        int start = p;
        p++;
        while (true) {
            p = plainAsciiRun(in, p);
            int c = in[p] & 0xFF;
            if (c == '"') break;
            if (c == '\\' || c < 0x20) return -1;
            if (c < 0x80) {
                p++;
            } else {
                int n = utf8Sequence(c);
                if (n < 0) return -1;
                p += n;
            }
        }
        p++;
        return p - start - 2;
    }

    /** The end of the run of eight-byte words from {@code from} that {@link #plainAscii}; locals, so the loop stays in registers. */
    private static int plainAsciiRun(byte[] b, int from) {
        int i = from;
        int last = b.length - Long.BYTES;
        while (i <= last && plainAscii((long) LONGS.get(b, i))) i += Long.BYTES;
        return i;
    }

    /**
     * Whether none of the eight bytes of {@code w} ends a string's fast scan: no quote, no backslash,
     * no control character, no byte of a multi-byte UTF-8 sequence. Bytewise tests without branches
     * ("has a zero byte", "has a byte less than n" of the bit-twiddling folklore), exact for the word
     * as a whole; they let a 1 KiB body's text be scanned eight bytes at a time.
     */
    private static boolean plainAscii(long w) {
        long quote = w ^ 0x2222_2222_2222_2222L;
        long backslash = w ^ 0x5C5C_5C5C_5C5C_5C5CL;
        long found = lessThan(quote, 1) | lessThan(backslash, 1) | lessThan(w, 0x20) | w;
        return (found & 0x8080_8080_8080_8080L) == 0;
    }

    /** High bit set in some byte iff a byte of {@code w} is below {@code n} (for n at most 128; exact as a whole). */
    private static long lessThan(long w, int n) {
        return (w - 0x0101_0101_0101_0101L * n) & ~w;
    }

    /** The length of the well-formed UTF-8 sequence at {@code p} led by {@code c}, or -1. */
    private int utf8Sequence(int c) {
        if (c >= 0xC2 && c <= 0xDF) {
            return continuation(p + 1) ? 2 : -1;
        }
        if (c >= 0xE0 && c <= 0xEF) {
            int c1 = in[p + 1] & 0xFF;
            boolean ok = c == 0xE0 ? c1 >= 0xA0 && c1 <= 0xBF : c == 0xED ? c1 >= 0x80 && c1 <= 0x9F : c1 >= 0x80 && c1 <= 0xBF;
            return ok && continuation(p + 2) ? 3 : -1;
        }
        // Four-byte sequences (above U+FFFF) too: Jackson writes them as escaped surrogate pairs.
        return -1;
    }

    private boolean continuation(int i) {
        return (in[i] & 0xC0) == 0x80;
    }

    private boolean integer() {
        int start = p;
        if (in[p] == '-') p++;
        int digits = p;
        if (in[p] == '0') {
            p++;
            if (p - start == 2) return false; // -0: Jackson writes 0
        } else {
            while (p < in.length && in[p] >= '0' && in[p] <= '9') p++;
        }
        int n = p - digits;
        if (n == 0 || n > 18) return false;
        return p >= in.length || delimiter(in[p]); // else a fraction, an exponent, or garbage
    }

    private boolean literal(String word) {
        int n = word.length();
        if (p + n > in.length) return false;
        for (int i = 0; i < n; i++) {
            if (in[p + i] != word.charAt(i)) return false;
        }
        if (p + n < in.length && !delimiter(in[p + n])) return false;
        p += n;
        return true;
    }

    private static boolean delimiter(byte b) {
        return b == ',' || b == '}' || b == ']' || b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void skipWhitespace() {
        while (p < in.length) {
            byte b = in[p];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return;
            p++;
            skipped++;
        }
    }
}
