package org.kalaja.engine;

import java.util.regex.Pattern;

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
    private static final Pattern COLLECTION = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7e]{1,128}");

    /** The prefix of the engine's own collections. */
    public static final String SYSTEM_PREFIX = "kalaja.";
    /** The prefix of the portal's collections: records, but out of the HTTP record API's reach. */
    public static final String PORTAL_PREFIX = "portal.";

    private Names() {
    }

    /** @throws EngineException INVALID naming the rule when {@code name} is not a valid collection name */
    public static String collection(String name) {
        if (!COLLECTION.matcher(name).matches()) {
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
        if (!KEY.matcher(key).matches()) {
            throw new EngineException(EngineException.Problem.INVALID, "invalid record key '" + shorten(key)
                    + "': use 1-200 characters A-Z, a-z, 0-9, '.', '_', ':', '@' or '-', starting with a letter or digit");
        }
        return key;
    }

    /** @throws EngineException INVALID when {@code key} is not 1-128 printable ASCII characters */
    public static String idempotencyKey(String key) {
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new EngineException(EngineException.Problem.INVALID,
                    "invalid Idempotency-Key: use 1-128 printable ASCII characters without spaces");
        }
        return key;
    }

    private static String shorten(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "…";
    }
}
