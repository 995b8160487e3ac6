package org.kalaja.engine.spi;

import java.util.Collection;
import java.util.Map;

/**
 * The view of the store inside {@link Store#write}: reads see the committed state (not the
 * transaction's own writes; the engine keeps its own overlay for those), writes become visible
 * together when the transaction commits.
 *
 * <p>Reads take collections so that a driver can answer a whole group commit in one round trip.
 */
public interface WriteTransaction {

    /** The committed log size, read under the write lock: the index the next append MUST use. */
    long size();

    /** The committed states of those of {@code ids} that have one. */
    Map<RecordId, RecordState> states(Collection<RecordId> ids);

    /** The log indexes of those of {@code keys} that were used before. */
    Map<String, Long> idempotencyKeys(Collection<String> keys);

    /**
     * Appends an entry. Calls MUST come with consecutive indexes starting at {@link #size()}; a
     * driver MUST fail the transaction otherwise.
     */
    void append(long index, byte[] data, long previousIndex);

    /** Inserts or replaces the state of {@code state.id()}. */
    void putState(RecordState state);

    /**
     * Deletes the state row of {@code id}, if there is one: a row the log never wrote, removed by a
     * state repair. Durable and replayed like every other change of the transaction. A transaction
     * MUST NOT both put and remove the same record.
     */
    void removeState(RecordId id);

    /**
     * Remembers that {@code key} appended the entry at {@code index}. The engine never stores a key
     * twice; a driver MAY fail the transaction if it is asked to.
     */
    void putIdempotencyKey(String key, long index);

    /** Stores blob content under its SHA-256; storing existing content again is a no-op. */
    void putBlob(byte[] sha256, byte[] content);
}
