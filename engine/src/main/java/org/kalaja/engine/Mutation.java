package org.kalaja.engine;

import java.util.Arrays;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryKind;

/**
 * One requested change, validated, waiting for the sequencer.
 *
 * @param expectedVersion  {@link #ANY_VERSION} for no precondition, {@link #ABSENT} for "must not
 *                         exist", otherwise the version the record must have now
 * @param blob             content stored beside the entry when {@code body} is a blob reference to it,
 *                         otherwise empty
 * @param idempotencyKey   {@code ""} for none
 * @param sealed           for a body sealed before it was queued: its plain text, by which a retry is
 *                         compared (sealing the same text twice gives different bytes); otherwise null
 * @param guarded          whether the {@link WriteBarrier} holds it back while closed: callers' puts
 *                         and deletes; not system entries, compensations or repairs
 */
record Mutation(EntryKind kind, Caller caller, RecordId id, BodyType bodyType, byte[] body, byte[] blob,
        long expectedVersion, String idempotencyKey, boolean guarded, @Nullable Sealed sealed) {
    static final long ANY_VERSION = -1;
    static final long ABSENT = 0;

    Mutation(EntryKind kind, Caller caller, RecordId id, BodyType bodyType, byte[] body, byte[] blob,
            long expectedVersion, String idempotencyKey, boolean guarded) {
        this(kind, caller, id, bodyType, body, blob, expectedVersion, idempotencyKey, guarded, null);
    }

    /**
     * A sealed body's plain text, and how to read the plain text of an entry already in the log
     * (to compare a retry with it).
     */
    record Sealed(byte[] plain, Function<Entry, byte[]> plainOf) {}

    /** Whether {@code other} asks for the same change; a reused idempotency key must ask for the same. */
    boolean sameRequestAs(Mutation other) {
        if (kind != other.kind || !id.equals(other.id)) return false;
        if (sealed != null || other.sealed != null) {
            return sealed != null && other.sealed != null && Arrays.equals(sealed.plain(), other.sealed.plain());
        }
        return bodyType == other.bodyType && Arrays.equals(body, other.body);
    }
}
