package org.kalaja.engine;

import java.util.Arrays;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.EntryKind;

/**
 * One requested change, validated, waiting for the sequencer.
 *
 * @param expectedVersion  {@link #ANY_VERSION} for no precondition, {@link #ABSENT} for "must not
 *                         exist", otherwise the version the record must have now
 * @param blob             content stored beside the entry when {@code body} is a blob reference to it,
 *                         otherwise empty
 * @param idempotencyKey   {@code ""} for none
 * @param guarded          whether the {@link WriteBarrier} holds it back while closed: callers' puts
 *                         and deletes; not system entries, compensations or repairs
 */
record Mutation(EntryKind kind, Caller caller, RecordId id, BodyType bodyType, byte[] body, byte[] blob,
        long expectedVersion, String idempotencyKey, boolean guarded) {
    static final long ANY_VERSION = -1;
    static final long ABSENT = 0;

    /** Whether {@code other} asks for the same change; a reused idempotency key must ask for the same. */
    boolean sameRequestAs(Mutation other) {
        return kind == other.kind && id.equals(other.id) && bodyType == other.bodyType && Arrays.equals(body, other.body);
    }
}
