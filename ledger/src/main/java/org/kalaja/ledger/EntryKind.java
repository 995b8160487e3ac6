package org.kalaja.ledger;

/**
 * What an {@link Entry} records. The {@link #code()} of each kind is part of the entry format and
 * MUST NOT change; new kinds take new codes.
 */
public enum EntryKind {
    RECORD_PUT(1),
    RECORD_DELETE(2),
    TOKEN_CREATED(3),
    TOKEN_REVOKED(4),
    ACCESS(5),
    INCIDENT(6),
    CONFIG_CHANGED(7),
    KEY_EVENT(8),
    LOG_CREATED(9);

    private static final EntryKind[] BY_CODE = new EntryKind[256];

    static {
        for (EntryKind k : values()) {
            BY_CODE[k.code] = k;
        }
    }

    private final int code;

    EntryKind(int code) {
        this.code = code;
    }

    /** The byte that stands for this kind in the entry format. */
    public int code() {
        return code;
    }

    /**
     * The kind with {@code code}.
     *
     * @throws IllegalArgumentException if no kind has that code
     */
    public static EntryKind fromCode(int code) {
        EntryKind k = lookup(code);
        if (k == null) {
            throw new IllegalArgumentException("unknown entry kind " + code);
        }
        return k;
    }

    /** The kind with {@code code}, or null. */
    static EntryKind lookup(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
