package org.kalaja.ledger;

/**
 * How to read the body of an {@link Entry}. The {@link #code()} of each type is part of the entry
 * format and MUST NOT change.
 */
public enum BodyType {
    /** No body; the body length MUST be 0. */
    NONE(0),
    /** A JSON document (UTF-8). The codec does not parse it. */
    JSON(1),
    /** Opaque ciphertext; its inner format belongs to the sealing layer. */
    SEALED(2),
    /** A reference to a blob stored beside the log: see {@link BlobRef} for the exact layout. */
    BLOB_REF(3);

    private static final BodyType[] BY_CODE = new BodyType[256];

    static {
        for (BodyType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    BodyType(int code) {
        this.code = code;
    }

    /** The byte that stands for this body type in the entry format. */
    public int code() {
        return code;
    }

    /**
     * The body type with {@code code}.
     *
     * @throws IllegalArgumentException if no body type has that code
     */
    public static BodyType fromCode(int code) {
        BodyType t = lookup(code);
        if (t == null) {
            throw new IllegalArgumentException("unknown body type " + code);
        }
        return t;
    }

    /** The body type with {@code code}, or null. */
    static BodyType lookup(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
