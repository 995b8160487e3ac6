package org.kalaja.ledger;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body of a {@link BodyType#BLOB_REF} entry: content too large for an entry, stored beside the
 * log and named by its SHA-256.
 *
 * <p>Layout (big-endian): 32-byte SHA-256 of the content | i64 content length (&ge; 0) | u16 length +
 * UTF-8 bytes of the content type. Nothing may follow.
 */
public record BlobRef(Hash sha256, long length, String contentType) {
    /** The size of a blob reference with an empty content type. */
    static final int FIXED_SIZE = Hash.SIZE + 8 + 2;

    public BlobRef {
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(contentType, "contentType");
        if (length < 0) {
            throw new IllegalArgumentException("blob length must not be negative: " + length);
        }
        int n = Utf8.encodedLength(contentType);
        if (n < 0) {
            throw new IllegalArgumentException("blob content type holds a lone surrogate");
        }
        if (n > 0xFFFF) {
            throw new IllegalArgumentException("blob content type is " + n + " UTF-8 bytes; the limit is 65535");
        }
    }

    /** The encoded body. */
    public byte[] toBody() {
        int n = Utf8.encodedLength(contentType);
        byte[] b = new byte[FIXED_SIZE + n];
        sha256.copyTo(b, 0);
        EntryCodec.putLong(b, Hash.SIZE, length);
        b[Hash.SIZE + 8] = (byte) (n >>> 8);
        b[Hash.SIZE + 9] = (byte) n;
        Utf8.encode(contentType, b, FIXED_SIZE);
        return b;
    }

    /**
     * Parses an encoded body.
     *
     * @throws MalformedEntryException (an {@link IllegalArgumentException}) naming the offset within
     *     {@code body}
     */
    public static BlobRef fromBody(byte[] body) {
        check(body, 0, body.length);
        int n = ((body[Hash.SIZE + 8] & 0xFF) << 8) | (body[Hash.SIZE + 9] & 0xFF);
        return new BlobRef(Hash.of(body, 0), EntryCodec.getLong(body, Hash.SIZE),
                new String(body, FIXED_SIZE, n, StandardCharsets.UTF_8));
    }

    /**
     * Checks that {@code b[off, off+len)} is exactly one well-formed blob reference; offsets in errors
     * are relative to {@code base}.
     */
    static void check(byte[] b, int off, int len, int base) {
        try {
            check(b, off, len);
        } catch (MalformedEntryException e) {
            throw new MalformedEntryException(e.offset() - base, e.problem());
        }
    }

    /** As {@link #check(byte[], int, int, int)}, with offsets relative to the start of {@code b}. */
    static void check(byte[] b, int off, int len) {
        if (len < FIXED_SIZE) {
            throw new MalformedEntryException(off + len, "a BLOB_REF body needs at least " + FIXED_SIZE
                    + " bytes, got " + len);
        }
        long length = EntryCodec.getLong(b, off + Hash.SIZE);
        if (length < 0) {
            throw new MalformedEntryException(off + Hash.SIZE, "negative blob length " + length);
        }
        int n = ((b[off + Hash.SIZE + 8] & 0xFF) << 8) | (b[off + Hash.SIZE + 9] & 0xFF);
        if (n != len - FIXED_SIZE) {
            throw new MalformedEntryException(off + Hash.SIZE + 8, "blob content type length " + n
                    + " does not fill the " + (len - FIXED_SIZE) + " remaining body bytes");
        }
        int bad = Utf8.firstInvalid(b, off + FIXED_SIZE, n);
        if (bad >= 0) {
            throw new MalformedEntryException(bad, "blob content type is not well-formed UTF-8");
        }
    }
}
