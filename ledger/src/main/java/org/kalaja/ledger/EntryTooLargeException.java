package org.kalaja.ledger;

/**
 * An entry whose encoding would exceed {@link EntryCodec#MAX_ENCODED_SIZE} bytes. Entry bundles
 * prefix each entry with a uint16 length, so such an entry cannot be logged; store its content as a
 * blob and log a {@link BodyType#BLOB_REF} instead.
 */
public final class EntryTooLargeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long size;

    public EntryTooLargeException(long size) {
        super("an encoded entry would be " + size + " bytes; the limit is " + EntryCodec.MAX_ENCODED_SIZE
                + " (store large content as a blob and log a BLOB_REF)");
        this.size = size;
    }

    /** The size the encoding would have had, in bytes. */
    public long size() {
        return size;
    }
}
