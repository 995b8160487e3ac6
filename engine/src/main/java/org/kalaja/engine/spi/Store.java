package org.kalaja.engine.spi;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Keeps the log's entries and the state derived from them; the only thing a database driver
 * implements.
 *
 * <h2>Tables a driver keeps (names and types are the driver's choice)</h2>
 * <ul>
 *   <li>entries: index → (data, previousIndex); never updated or deleted once committed;</li>
 *   <li>state: record id → {@link RecordState}, one row per record that was ever written;</li>
 *   <li>idempotency: key → log index;</li>
 *   <li>blobs: SHA-256 → content, for bodies too large for an entry;</li>
 *   <li>tiles: (level, index) → hashes, the C2SP hash tiles of the integrated tree;</li>
 *   <li>checkpoints: tree size → signed checkpoint note, every one the log ever signed;</li>
 *   <li>meta: name → value, small settings such as the log's origin and verifier key.</li>
 * </ul>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #write} MUST run its work in one transaction that holds the log's write lock,
 *       exclusive across every process sharing the database, so that indexes are assigned
 *       contiguously from {@link WriteTransaction#size()} with no gap and no duplicate.</li>
 *   <li>{@link #write} MUST NOT return before everything the work did is durable (fsync'd); if it
 *       throws, nothing the work did may be visible, now or after a crash.</li>
 *   <li>Readers MUST only ever see committed transactions, whole, and MUST see every transaction
 *       committed before the read began (the integrator reads the latest checkpoint and its tiles
 *       outside the integration transaction and relies on it).</li>
 *   <li>An exception thrown by the work MUST reach the caller unchanged, after the rollback.</li>
 *   <li>One exception to "nothing visible": when a network database loses the connection during
 *       COMMIT, no client can know whether it committed. The driver then throws a retryable
 *       {@link StoreException} whose message says the outcome is unknown; the engine's idempotency
 *       keys are what make a retry safe.</li>
 *   <li>Strings given to a store (names, keys, meta values, notes) never contain U+0000, and record
 *       ids are ordered by their UTF-8 bytes (binary collation), which for the ASCII names the
 *       engine allows is also {@link RecordId#compareTo}'s order.</li>
 *   <li>{@link #integrate} MUST be serialized across processes like {@link #write}, with a lock of
 *       its own where the database allows (PostgreSQL); a database with a single writer (SQLite) may
 *       exclude writers for the short time an integration transaction takes.</li>
 * </ul>
 *
 * <p>Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    /** What this store is, for messages and status pages, e.g. {@code "sqlite:/data/kalaja.db"}. Never a password. */
    String describe();

    /**
     * Runs {@code work} in one durable transaction holding the log's write lock.
     *
     * @return what {@code work} returned, after the transaction committed durably
     * @throws StoreException if the transaction could not commit; nothing was kept
     */
    <T> T write(Work<WriteTransaction, T> work);

    /**
     * Runs {@code work} in one durable transaction holding the integration lock (not the write lock).
     *
     * @throws StoreException if the transaction could not commit; nothing was kept
     */
    <T> T integrate(Work<IntegrationTransaction, T> work);

    /** Number of committed entries; the next entry gets this index. */
    long size();

    /**
     * The log's size with the committed states of those of {@code ids} that have one and the indexes of
     * those of {@code keys} used before, all read from one consistent snapshot (as of one commit).
     *
     * <p>The engine plans its next group commit from a snapshot while the previous group commits, and
     * inside {@link #write} checks that the log still has the size it planned for, planning again if
     * not; so a snapshot may be stale, but MUST NOT mix two commits. A driver SHOULD read it without
     * waiting for the write lock (that is the point); this default reads it through {@link #write},
     * which is correct but waits for the lock and commits an empty transaction.
     */
    default Snapshot snapshot(Collection<RecordId> ids, Collection<String> keys) {
        return write(txn -> new Snapshot(txn.size(), txn.states(ids), keys.isEmpty() ? Map.of() : txn.idempotencyKeys(keys)));
    }

    /** The committed entry at {@code index}, if {@code index < size()}. */
    Optional<StoredEntry> entry(long index);

    /**
     * Visits committed entries with indexes in {@code [from, to)} in ascending order, streaming them
     * (a driver MUST NOT load the whole range into memory).
     */
    void entries(long from, long to, Visitor<StoredEntry> visitor);

    /** The state of one record, including a deleted one (a tombstone). */
    Optional<RecordState> state(RecordId id);

    /**
     * Records of {@code collection} that are not deleted, ordered by key (binary), with keys strictly
     * greater than {@code afterKey} ({@code ""} for the first page), at most {@code limit}.
     */
    List<RecordState> list(String collection, String afterKey, int limit);

    /** Visits every state row, deleted ones too, ordered by collection then key. */
    void states(Visitor<RecordState> visitor);

    /**
     * Visits every current state row (deleted ones and system collections included), all read from
     * ONE read snapshot, and returns the log size that snapshot saw: the rows are exactly the state
     * as of that many entries, with no commit half-seen. For the state audit, which compares them with
     * a replay of the log up to that size. A driver MUST NOT hold the log's write lock while visiting
     * (writers keep committing; the snapshot does not see them) and MUST stream (not load every row).
     * Order: by collection, then key. An exception thrown by {@code visitor} stops the scan and
     * propagates.
     */
    long scanStates(Consumer<RecordState> visitor);

    /**
     * A value that changes when a process other than this store's own writer commits to the store,
     * and does not change when this store commits; empty where the database cannot tell (then only
     * periodic audits find changes made behind Kalaja's back). Compared between two calls only, on
     * the same store instance; the value itself means nothing. Another Kalaja process sharing the
     * store moves it too (the caller tells those apart by the log's {@link #size()}). Cheap enough
     * to poll several times a second.
     */
    OptionalLong foreignWriteMarker();

    /** Visits every idempotency key with its log index, ordered by key. */
    void idempotencyKeys(Visitor<IdempotencyKey> visitor);

    /** The content of a blob, if stored. */
    Optional<byte[]> blob(byte[] sha256);

    /** The stored hash tile at {@code level}, {@code index}: 32-byte hashes, at most 256 of them. */
    Optional<byte[]> tile(int level, long index);

    /** The signed checkpoint note of the largest integrated tree, if any. */
    Optional<String> latestCheckpoint();

    /** The signed checkpoint note the log made for a tree of exactly {@code size} entries, if any. */
    Optional<String> checkpoint(long size);

    /** A meta value, if set. */
    Optional<String> meta(String name);

    /** Sets a meta value durably, replacing any previous one. */
    void putMeta(String name, String value);

    @Override
    void close();

    /** Work done inside a transaction. Throwing aborts the transaction. */
    @FunctionalInterface
    interface Work<X, T> {
        T run(X transaction);
    }

    /** Receives rows one at a time. Throwing stops the visit and propagates. */
    @FunctionalInterface
    interface Visitor<T> {
        void visit(T row);
    }

    /** What {@link #snapshot} read: a log size and, as of that size, states and idempotency keys. */
    record Snapshot(long size, Map<RecordId, RecordState> states, Map<String, Long> idempotencyKeys) {
    }

    /** An idempotency key and the index of the entry its first request appended. */
    record IdempotencyKey(String key, long index) {
    }
}
