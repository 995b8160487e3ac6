package org.kalaja.ledger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The canonical byte encoding of an {@link Entry}, format version 1. This is what the log's Merkle
 * tree commits to (leaf hash = SHA-256(0x00 || encoding)) and what entry bundles carry, so it MUST
 * NOT change; a new layout takes a new version byte.
 *
 * <pre>
 *   u8  format version (= 1)
 *   u8  kind                 {@link EntryKind#code()}
 *   i64 time                 microseconds since 1970-01-01T00:00:00Z
 *   str actor
 *   str clientAddress
 *   str userAgent
 *   str collection
 *   str key
 *   i64 recordVersion
 *   str idempotencyKey       empty = none
 *   u8  bodyType             {@link BodyType#code()}
 *   u32 bodyLength
 *   ... body bytes
 *
 *   str = u16 length || that many bytes of well-formed UTF-8
 * </pre>
 *
 * All integers are big-endian. The whole encoding is at most {@link #MAX_ENCODED_SIZE} bytes, since
 * entry bundles prefix each entry with a uint16 length.
 *
 * <p>Decoding is strict: every byte string that {@link #decode} accepts is the encoding of exactly
 * one entry, and {@code encode(decode(b))} equals {@code b}.
 */
public final class EntryCodec {
    /** The format version this codec writes and reads. */
    public static final int VERSION = 1;
    /** The largest encoded entry, in bytes. */
    public static final int MAX_ENCODED_SIZE = 0xFFFF;
    /** The size of an entry whose strings and body are all empty. */
    static final int FIXED_SIZE = 1 + 1 + 8 + 5 * 2 + 8 + 2 + 1 + 4;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private EntryCodec() {}

    /**
     * Encodes {@code entry}.
     *
     * @throws EntryTooLargeException if the encoding would exceed {@link #MAX_ENCODED_SIZE} bytes
     */
    public static byte[] encode(Entry entry) {
        // The record guarantees well-formed strings of at most 65535 bytes each.
        int actor = Utf8.encodedLength(entry.actor());
        int clientAddress = Utf8.encodedLength(entry.clientAddress());
        int userAgent = Utf8.encodedLength(entry.userAgent());
        int collection = Utf8.encodedLength(entry.collection());
        int key = Utf8.encodedLength(entry.key());
        int idempotencyKey = Utf8.encodedLength(entry.idempotencyKey());
        byte[] body = entry.bodyArray();
        long size = (long) FIXED_SIZE + actor + clientAddress + userAgent + collection + key + idempotencyKey
                + body.length;
        if (size > MAX_ENCODED_SIZE) {
            throw new EntryTooLargeException(size);
        }
        byte[] out = new byte[(int) size];
        out[0] = (byte) VERSION;
        out[1] = (byte) entry.kind().code();
        LONG.set(out, 2, toMicros(entry.time()));
        int p = 10;
        p = putString(out, p, entry.actor(), actor);
        p = putString(out, p, entry.clientAddress(), clientAddress);
        p = putString(out, p, entry.userAgent(), userAgent);
        p = putString(out, p, entry.collection(), collection);
        p = putString(out, p, entry.key(), key);
        LONG.set(out, p, entry.recordVersion());
        p += 8;
        p = putString(out, p, entry.idempotencyKey(), idempotencyKey);
        out[p++] = (byte) entry.bodyType().code();
        INT.set(out, p, body.length);
        p += 4;
        System.arraycopy(body, 0, out, p, body.length);
        return out;
    }

    /**
     * Decodes the canonical encoding of one entry; {@code bytes} must hold exactly that.
     *
     * @throws MalformedEntryException naming the offset of the first byte that is wrong: unknown
     *     version, kind or body type, a length that runs past the end, ill-formed UTF-8, a body that
     *     does not fit its type, trailing bytes, or more than {@link #MAX_ENCODED_SIZE} bytes in all
     */
    public static Entry decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /**
     * Decodes the entry in {@code bytes[offset, offset+length)}; offsets in errors are relative to
     * {@code offset}.
     */
    public static Entry decode(byte[] bytes, int offset, int length) {
        if (offset < 0 || length < 0 || bytes.length - offset < length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + offset + "+" + length
                    + ") outside an array of " + bytes.length);
        }
        return new Reader(bytes, offset, length).entry();
    }

    /** Whole microseconds since the epoch of {@code time} (sub-microsecond digits are dropped). */
    static long toMicros(Instant time) {
        long seconds = time.getEpochSecond();
        long micros = time.getNano() / 1000;
        try {
            if (seconds < 0 && micros > 0) { // keep the intermediate product in range near Long.MIN_VALUE
                return Math.addExact(Math.multiplyExact(seconds + 1, MICROS_PER_SECOND), micros - MICROS_PER_SECOND);
            }
            return Math.addExact(Math.multiplyExact(seconds, MICROS_PER_SECOND), micros);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("time " + time + " does not fit in 64-bit microseconds", e);
        }
    }

    static Instant fromMicros(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND),
                Math.floorMod(micros, MICROS_PER_SECOND) * 1000L);
    }

    static void putLong(byte[] b, int off, long v) {
        LONG.set(b, off, v);
    }

    static long getLong(byte[] b, int off) {
        return (long) LONG.get(b, off);
    }

    private static int putString(byte[] out, int p, String s, int n) {
        out[p] = (byte) (n >>> 8);
        out[p + 1] = (byte) n;
        p += 2;
        return Utf8.encode(s, out, p);
    }

    /** A cursor over one encoded entry; positions in errors are relative to the entry's start. */
    private static final class Reader {
        private final byte[] b;
        private final int start;
        private final int end;
        private int p;

        Reader(byte[] b, int start, int length) {
            this.b = b;
            this.start = start;
            this.end = start + length;
            this.p = start;
        }

        private MalformedEntryException malformed(int at, String problem) {
            return new MalformedEntryException(at - start, problem);
        }

        Entry entry() {
            if (end - start > MAX_ENCODED_SIZE) {
                throw malformed(start + MAX_ENCODED_SIZE, "an entry is at most " + MAX_ENCODED_SIZE
                        + " bytes, got " + (end - start));
            }
            need(1, "format version");
            int version = b[p] & 0xFF;
            if (version != VERSION) {
                throw malformed(p, "unknown format version " + version + " (this codec reads " + VERSION + ")");
            }
            p++;
            need(1, "kind");
            EntryKind kind = EntryKind.lookup(b[p] & 0xFF);
            if (kind == null) {
                throw malformed(p, "unknown entry kind " + (b[p] & 0xFF));
            }
            p++;
            Instant time = fromMicros(i64("time"));
            String actor = str("actor");
            String clientAddress = str("clientAddress");
            String userAgent = str("userAgent");
            String collection = str("collection");
            String key = str("key");
            long recordVersion = i64("recordVersion");
            String idempotencyKey = str("idempotencyKey");
            need(1, "bodyType");
            BodyType bodyType = BodyType.lookup(b[p] & 0xFF);
            if (bodyType == null) {
                throw malformed(p, "unknown body type " + (b[p] & 0xFF));
            }
            p++;
            need(4, "bodyLength");
            long bodyLength = ((int) INT.get(b, p)) & 0xFFFFFFFFL;
            int lengthAt = p;
            p += 4;
            if (bodyLength > end - p) {
                throw malformed(lengthAt, "body length " + bodyLength + " runs past the end (" + (end - p)
                        + " bytes left)");
            }
            if (bodyLength < end - p) {
                throw malformed(p + (int) bodyLength, (end - p - bodyLength) + " trailing bytes after the body");
            }
            int n = (int) bodyLength;
            if (bodyType == BodyType.NONE && n != 0) {
                throw malformed(lengthAt, "a NONE body must be empty, got length " + n);
            }
            if (bodyType == BodyType.BLOB_REF) {
                try {
                    BlobRef.check(b, p, n, start);
                } catch (MalformedEntryException e) {
                    throw malformed(start + e.offset(), e.problem());
                }
            }
            byte[] body = new byte[n];
            System.arraycopy(b, p, body, 0, n);
            return new Entry(kind, time, actor, clientAddress, userAgent, collection, key, recordVersion,
                    idempotencyKey, bodyType, body);
        }

        private void need(int n, String field) {
            if (end - p < n) {
                throw malformed(p, "truncated: " + field + " needs " + n + " bytes, " + (end - p) + " left");
            }
        }

        private long i64(String field) {
            need(8, field);
            long v = (long) LONG.get(b, p);
            p += 8;
            return v;
        }

        private String str(String field) {
            need(2, field + " length");
            int n = ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
            int lengthAt = p;
            p += 2;
            if (n > end - p) {
                throw malformed(lengthAt, field + " length " + n + " runs past the end (" + (end - p) + " bytes left)");
            }
            boolean ascii = true;
            for (int i = p, e = p + n; i < e; i++) {
                if (b[i] < 0) {
                    ascii = false;
                    break;
                }
            }
            String s;
            if (ascii) {
                s = new String(b, p, n, StandardCharsets.ISO_8859_1);
            } else {
                int bad = Utf8.firstInvalid(b, p, n);
                if (bad >= 0) {
                    throw malformed(bad, field + " is not well-formed UTF-8");
                }
                s = new String(b, p, n, StandardCharsets.UTF_8);
            }
            p += n;
            return s;
        }
    }
}
