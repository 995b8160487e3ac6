package org.kalaja.engine;

/**
 * The rules for collection names, record keys and idempotency keys.
 *
 * <p>Collections are lower-case identifiers so that they are safe in URLs, file names and SQL
 * identifiers alike. Keys allow the characters of identifiers people use (document numbers,
 * personal numbers, UUIDs). Collections beginning with {@code kalaja.} belong to the engine
 * (tokens, configuration); API callers cannot write them, since the dot is outside their alphabet.
 * Collections beginning with {@code portal.} belong to the citizen portal: they are ordinary records
 * (written through {@link RecordsEngine#put}, versioned, audited), but the HTTP record API cannot name
 * them either, so the portal's own authorization is the only way to them.
 */
public final class Names {
    // The rules as regular expressions (NamesTest holds these checks to them): collections
    // [a-z][a-z0-9_-]{0,62}, keys [A-Za-z0-9][A-Za-z0-9._:@-]{0,199}, idempotency keys [\x21-\x7e]{1,128}.
    // Checked by hand: every write names a collection and a key, and two Matchers cost about 1 µs of the
    // write path's 20 (docs/BENCHMARKS.md).
    private static final Alphabet LOWER = Alphabet.range('a', 'z');
    private static final Alphabet COLLECTION_REST = LOWER.with(Alphabet.range('0', '9')).with(Alphabet.of("_-"));
    private static final Alphabet KEY_FIRST = LOWER.with(Alphabet.range('A', 'Z')).with(Alphabet.range('0', '9'));
    private static final Alphabet KEY_REST = KEY_FIRST.with(Alphabet.of("._:@-"));
    private static final Alphabet PRINTABLE = Alphabet.range('\u0021', '\u007e');

    /** The prefix of the engine's own collections. */
    public static final String SYSTEM_PREFIX = "kalaja.";
    /** The prefix of the portal's collections: records, but out of the HTTP record API's reach. */
    public static final String PORTAL_PREFIX = "portal.";

    private Names() {
    }

    /** @throws EngineException INVALID naming the rule when {@code name} is not a valid collection name */
    public static String collection(String name) {
        if (!LOWER.spells(name, COLLECTION_REST, 63)) {
            throw new EngineException(EngineException.Problem.INVALID, "invalid collection name '" + shorten(name)
                    + "': use 1-63 characters a-z, 0-9, '_' or '-', starting with a letter");
        }
        return name;
    }

    /**
     * A collection the records engine stores records in: a valid {@link #collection} name, or one
     * prefixed {@value #PORTAL_PREFIX}.
     *
     * @throws EngineException INVALID naming the rule otherwise
     */
    public static String recordCollection(String name) {
        return name.startsWith(PORTAL_PREFIX) && name.length() > PORTAL_PREFIX.length()
                ? PORTAL_PREFIX + collection(name.substring(PORTAL_PREFIX.length()))
                : collection(name);
    }

    /** @throws EngineException INVALID naming the rule when {@code key} is not a valid record key */
    public static String key(String key) {
        if (!KEY_FIRST.spells(key, KEY_REST, 200)) {
            throw new EngineException(EngineException.Problem.INVALID, "invalid record key '" + shorten(key)
                    + "': use 1-200 characters A-Z, a-z, 0-9, '.', '_', ':', '@' or '-', starting with a letter or digit");
        }
        return key;
    }

    /** @throws EngineException INVALID when {@code key} is not 1-128 printable ASCII characters */
    public static String idempotencyKey(String key) {
        if (!PRINTABLE.spells(key, PRINTABLE, 128)) {
            throw new EngineException(EngineException.Problem.INVALID,
                    "invalid Idempotency-Key: use 1-128 printable ASCII characters without spaces");
        }
        return key;
    }

    private static String shorten(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "…";
    }

    /** A set of ASCII characters, as two 64-bit masks. */
    private record Alphabet(long low, long high) {
        static Alphabet range(char from, char to) {
            Alphabet a = new Alphabet(0, 0);
            for (char c = from; c <= to; c++) a = a.with(c);
            return a;
        }

        static Alphabet of(String chars) {
            Alphabet a = new Alphabet(0, 0);
            for (char c : chars.toCharArray()) a = a.with(c);
            return a;
        }

        private Alphabet with(char c) {
            return c < 64 ? new Alphabet(low | 1L << c, high) : new Alphabet(low, high | 1L << (c - 64));
        }

        Alphabet with(Alphabet other) {
            return new Alphabet(low | other.low, high | other.high);
        }

        boolean has(char c) {
            return c < 64 ? (low >>> c & 1) != 0 : c < 128 && (high >>> (c - 64) & 1) != 0;
        }

        /** Whether {@code s} is 1 to {@code max} characters, the first in this alphabet, the others in {@code rest}. */
        boolean spells(String s, Alphabet rest, int max) {
            int n = s.length();
            if (n == 0 || n > max || !has(s.charAt(0))) return false;
            for (int i = 1; i < n; i++) {
                if (!rest.has(s.charAt(i))) return false;
            }
            return true;
        }
    }
}
