package org.kalaja.ledger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of the log: a change or an audit event. {@link EntryCodec} defines its one canonical
 * byte encoding, which is what the Merkle tree commits to.
 *
 * <p>Invariants, checked by the constructor: no component is null; every string is well-formed
 * Unicode (no lone surrogate) of at most 65,535 UTF-8 bytes; a {@link BodyType#NONE} body is empty;
 * a {@link BodyType#BLOB_REF} body is a well-formed {@link BlobRef}. {@code time} is truncated to
 * whole microseconds (what the encoding holds) and must fit in a signed 64-bit count of
 * microseconds. {@code idempotencyKey} is empty when there is none. The body is copied in and out;
 * {@link #equals} compares its bytes.
 *
 * <p>Whether the whole entry fits the 65,535-byte encoding limit is checked by
 * {@link EntryCodec#encode}, not here.
 */
public record Entry(
        EntryKind kind,
        Instant time,
        String actor,
        String clientAddress,
        String userAgent,
        String collection,
        String key,
        long recordVersion,
        String idempotencyKey,
        BodyType bodyType,
        byte[] body) {

    public Entry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(bodyType, "bodyType");
        Objects.requireNonNull(body, "body");
        checkString("actor", actor);
        checkString("clientAddress", clientAddress);
        checkString("userAgent", userAgent);
        checkString("collection", collection);
        checkString("key", key);
        checkString("idempotencyKey", idempotencyKey);
        time = time.truncatedTo(ChronoUnit.MICROS);
        EntryCodec.toMicros(time); // range check
        body = body.clone();
        if (bodyType == BodyType.NONE && body.length != 0) {
            throw new IllegalArgumentException("a NONE body must be empty, got " + body.length + " bytes");
        }
        if (bodyType == BodyType.BLOB_REF) {
            try {
                BlobRef.check(body, 0, body.length);
            } catch (MalformedEntryException e) {
                throw new IllegalArgumentException("BLOB_REF body: " + e.getMessage(), e);
            }
        }
    }

    private static void checkString(String field, String value) {
        Objects.requireNonNull(value, field);
        int n = Utf8.encodedLength(value);
        if (n < 0) {
            throw new IllegalArgumentException(field + " holds a lone surrogate, which has no UTF-8 encoding");
        }
        if (n > 0xFFFF) {
            throw new IllegalArgumentException(field + " is " + n + " UTF-8 bytes; the limit is 65535");
        }
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body itself, for the codec; MUST NOT be modified or leaked. */
    byte[] bodyArray() {
        return body;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry e
                && kind == e.kind
                && time.equals(e.time)
                && actor.equals(e.actor)
                && clientAddress.equals(e.clientAddress)
                && userAgent.equals(e.userAgent)
                && collection.equals(e.collection)
                && key.equals(e.key)
                && recordVersion == e.recordVersion
                && idempotencyKey.equals(e.idempotencyKey)
                && bodyType == e.bodyType
                && Arrays.equals(body, e.body);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(kind, time, actor, clientAddress, userAgent, collection, key, recordVersion,
                idempotencyKey, bodyType);
        return 31 * h + Arrays.hashCode(body);
    }

    /** Names the body by size only: bodies may hold personal data, which does not belong in logs. */
    @Override
    public String toString() {
        return "Entry[kind=" + kind + ", time=" + time + ", actor=" + actor + ", clientAddress=" + clientAddress
                + ", userAgent=" + userAgent + ", collection=" + collection + ", key=" + key
                + ", recordVersion=" + recordVersion + ", idempotencyKey=" + idempotencyKey
                + ", bodyType=" + bodyType + ", body=" + body.length + " bytes]";
    }
}
