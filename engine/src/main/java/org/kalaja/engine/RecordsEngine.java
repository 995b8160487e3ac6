package org.kalaja.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.seal.Kms;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;

/**
 * Collections of JSON records kept as entries of a verifiable log.
 *
 * <p>Writes ({@link #put}, {@link #delete}) return futures that complete once the write is durable
 * in the store, or fail with an {@link EngineException} saying why nothing was written. Reads see
 * committed writes. Every version of every record stays readable: {@link #history}, {@link #getAt},
 * {@link #getAsOf}.
 *
 * <p>Safe mode: while the {@link #barrier()} is closed, {@link #put} and {@link #delete} are refused
 * ({@link Problem#REFUSED}); {@link #appendSystem}, {@link #compensate}, {@link #repairStates} and
 * every read still work.
 *
 * <p>Thread-safe. Names are validated here ({@link Names}), so callers may pass user input.
 */
public final class RecordsEngine implements AutoCloseable {
    /** Where {@link #repairStates} records its incident. */
    static final String INCIDENTS = Names.SYSTEM_PREFIX + "incidents";
    private final Store store;
    private final EngineConfig config;
    private final RecentLeaves recent = new RecentLeaves();
    private final Sequencer sequencer;
    private final WriteBarrier barrier;
    private final Sealing sealing;

    private RecordsEngine(Store store, EngineConfig config, @Nullable Kms kms) {
        this.store = store;
        this.config = config;
        this.sequencer = new Sequencer(store, recent, config.clock(), config.maxBatch(), config.queueCapacity());
        this.barrier = sequencer.barrier();
        this.sealing = new Sealing(this, store, kms);
    }

    /** Starts an engine on {@code store}; the caller keeps ownership of the store and closes it after the engine. */
    public static RecordsEngine open(Store store, EngineConfig config) {
        return new RecordsEngine(store, config, null);
    }

    /**
     * Starts an engine that seals and opens sealed collections with data keys wrapped by {@code kms}'s
     * KEKs. The caller keeps ownership of the store and the KMS.
     *
     * @throws org.kalaja.engine.seal.KmsException when the KMS cannot be used
     */
    public static RecordsEngine open(Store store, EngineConfig config, Kms kms) {
        return new RecordsEngine(store, config, kms);
    }

    /** The data keys of sealed collections; empty when the engine was opened without a KMS. */
    public Optional<Keyring> keyring() {
        return Optional.ofNullable(sealing.keyring());
    }

    /** What {@code collection} declared (sealed or not); {@link CollectionPolicy#PLAIN} when nothing. */
    public CollectionPolicy policy(String collection) {
        return sealing.policy(Names.recordCollection(collection));
    }

    /**
     * Declares what {@code collection} holds (a CONFIG_CHANGED entry in {@code kalaja.collections}).
     * Sealing applies to writes from now on; versions written before stay as they were (the log is
     * never rewritten).
     *
     * @throws EngineException VERSION_CONFLICT when it would unseal a sealed collection; UNAVAILABLE
     *     when sealing is asked for and the engine has no KMS
     */
    public WriteResult declare(Caller caller, String collection, CollectionPolicy policy) {
        return sealing.declare(caller, Names.recordCollection(collection), policy);
    }

    /** The collections declared sealed. */
    public List<String> sealedCollections() {
        return sealing.sealedCollections();
    }

    public Store store() {
        return store;
    }

    public EngineConfig config() {
        return config;
    }

    /** Safe mode's switch: closed, it refuses callers' puts and deletes (see {@link WriteBarrier}). */
    public WriteBarrier barrier() {
        return barrier;
    }

    /**
     * Creates or replaces a record.
     *
     * @param expectedVersion  -1 for no precondition, 0 for "must not exist yet", otherwise the
     *                         version the record must have now (optimistic concurrency)
     * @param idempotencyKey   {@code ""} for none; a retry with the same key gets the first result
     * @return fails with REFUSED ("safe mode: …"), having written nothing, while the barrier is closed
     */
    public CompletableFuture<WriteResult> put(Caller caller, String collection, String key, byte[] json,
            long expectedVersion, String idempotencyKey) {
        String closed = barrier.reason();
        if (closed != null) return CompletableFuture.failedFuture(WriteBarrier.refusal(closed));
        return change(caller, collection, key, json, expectedVersion, idempotencyKey, true);
    }

    /**
     * Deletes a record; its history stays. Fails NOT_FOUND when it does not exist, and REFUSED while
     * the barrier is closed.
     */
    public CompletableFuture<WriteResult> delete(Caller caller, String collection, String key, long expectedVersion,
            String idempotencyKey) {
        String closed = barrier.reason();
        if (closed != null) return CompletableFuture.failedFuture(WriteBarrier.refusal(closed));
        return change(caller, collection, key, null, expectedVersion, idempotencyKey, true);
    }

    /**
     * A put ({@code json}) or delete ({@code null}) that passes a closed {@link WriteBarrier}: the
     * incident undo's compensating write. Otherwise exactly {@link #put} or {@link #delete}: the same
     * entry kinds (RECORD_PUT, RECORD_DELETE), validation, preconditions and idempotency. Nothing but
     * the sentinel's incident undo MUST call it: it is the one way around safe mode.
     */
    public CompletableFuture<WriteResult> compensate(Caller admin, String collection, String key, byte @Nullable [] json,
            long expectedVersion, String idempotencyKey) {
        return change(admin, collection, key, json, expectedVersion, idempotencyKey, false);
    }

    private CompletableFuture<WriteResult> change(Caller caller, String collection, String key, byte @Nullable [] json,
            long expectedVersion, String idempotencyKey, boolean guarded) {
        RecordId id = new RecordId(Names.recordCollection(collection), Names.key(key));
        if (json == null) {
            return submit(new Mutation(EntryKind.RECORD_DELETE, caller, id, BodyType.NONE, new byte[0], new byte[0],
                    checkExpected(expectedVersion), idempotency(idempotencyKey), guarded));
        }
        return submit(sealing.put(EntryKind.RECORD_PUT, caller, id, JsonBodies.normalize(json, config.maxBodyBytes()),
                checkExpected(expectedVersion), idempotency(idempotencyKey), guarded));
    }

    /**
     * Appends an engine or sentinel event (tokens, configuration, access events, incidents,
     * containment) to a system collection ({@code kalaja.*}), with the same guarantees as a record
     * write. Not for API callers' data: the HTTP API MUST NOT pass a caller's collection here.
     *
     * @param expectedVersion as for {@link #put}; {@code -1} for none
     * @throws IllegalArgumentException if {@code id}'s collection is not a system collection
     */
    public CompletableFuture<WriteResult> appendSystem(EntryKind kind, Caller caller, RecordId id, byte[] json,
            long expectedVersion) {
        if (!id.collection().startsWith(Names.SYSTEM_PREFIX)) {
            throw new IllegalArgumentException("not a system collection: " + id.collection());
        }
        if (StateEffect.of(kind) == StateEffect.TOMBSTONE) {
            return submit(new Mutation(kind, caller, id, BodyType.NONE, new byte[0], new byte[0], expectedVersion, "", false));
        }
        return submit(mutation(kind, caller, id, json, checkExpected(expectedVersion), "", false));
    }

    /**
     * Puts the store's state rows back to what the log says, in ONE transaction that the committer
     * runs between group commits: an INCIDENT entry at {@code kalaja.incidents/<id>} ({@code id} read
     * from {@code incidentJson}, whose bytes become the entry's body: the evidence), the rows of
     * {@code put} written over whatever the store holds, and the rows of {@code remove} (records the
     * log never wrote) deleted. The INCIDENT entry changes no record, so the log's meaning (what
     * {@link LogReplay} derives) is unchanged; the repair only makes the store agree with it again.
     * Passes a closed {@link WriteBarrier}.
     *
     * <p>Every row is checked against the log inside the transaction ({@code StateRepair}): a row to
     * put that contradicts its entry fails INVALID; a record written since the repair was computed
     * fails the whole repair with VERSION_CONFLICT (audit again). Groups planned from a snapshot
     * before the repair committed are planned again after it. Durable like any write: on SQLite the
     * repair is one frame, so a crash after it was acknowledged replays it, removals included.
     *
     * @throws EngineException INVALID if {@code incidentJson} is not a JSON object with a valid
     *     record key as {@code "id"}, or a record appears twice in {@code put} and {@code remove}
     */
    public CompletableFuture<WriteResult> repairStates(Caller caller, byte[] incidentJson, List<RecordState> put,
            List<RecordId> remove) {
        StateRepair repair = StateRepair.of(put, remove);
        String incident;
        try {
            JsonNode id = JsonBodies.mapper().readTree(incidentJson).path("id");
            if (!id.isTextual()) throw new EngineException(Problem.INVALID, "the incident has no \"id\" string");
            incident = Names.key(id.asText());
        } catch (IOException e) {
            throw new EngineException(Problem.INVALID, "the incident is not valid JSON: " + e.getMessage());
        }
        Mutation entry = mutation(EntryKind.INCIDENT, caller, new RecordId(INCIDENTS, incident), incidentJson,
                Mutation.ANY_VERSION, "", false);
        return sequencer.submit(entry, repair);
    }

    /** A mutation carrying {@code json}, as a blob when it is too large for an entry. */
    static Mutation mutation(EntryKind kind, Caller caller, RecordId id, byte[] json, long expectedVersion,
            String idempotencyKey, boolean guarded) {
        boolean large = json.length > Blobs.THRESHOLD;
        return new Mutation(kind, caller, id,
                large ? BodyType.BLOB_REF : BodyType.JSON,
                large ? Blobs.reference(json, "application/json") : json,
                large ? json : new byte[0],
                expectedVersion, idempotencyKey, guarded);
    }

    private CompletableFuture<WriteResult> submit(Mutation m) {
        return sequencer.submit(m);
    }

    private static long checkExpected(long expectedVersion) {
        if (expectedVersion < Mutation.ANY_VERSION) {
            throw new EngineException(Problem.INVALID, "expected version must be a non-negative number, got " + expectedVersion);
        }
        return expectedVersion;
    }

    private static String idempotency(String key) {
        return key.isEmpty() ? "" : Names.idempotencyKey(key);
    }

    /** The current version of a record, if it exists and is not deleted. */
    public Optional<RecordVersion> get(String collection, String key) {
        return current(collection, key).filter(s -> !s.deleted()).map(s -> read(s.index()));
    }

    /**
     * The version that was current just after the entry at {@code index} (as-of by log position).
     *
     * @throws EngineException INVALID when {@code index} is negative or not yet in the log: a
     *     future position has no answer yet, and answering with today's version would be a guess
     */
    public Optional<RecordVersion> getAt(String collection, String key, long index) {
        long size = store.size();
        if (index < 0 || index >= size) {
            throw new EngineException(Problem.INVALID, "log index must be between 0 and " + (size - 1) + ": the log has "
                    + size + " entries; got " + index);
        }
        return asOf(collection, key, v -> v.index() <= index);
    }

    /** The version that was current at {@code time} (as-of by time, by the entries' timestamps). */
    public Optional<RecordVersion> getAsOf(String collection, String key, Instant time) {
        return asOf(collection, key, v -> !v.time().isAfter(time));
    }

    private Optional<RecordVersion> asOf(String collection, String key, Predicate<RecordVersion> accept) {
        Optional<RecordState> state = current(collection, key);
        if (state.isEmpty()) return Optional.empty();
        long index = state.get().index();
        while (index >= 0) {
            StoredEntry stored = entryAt(index);
            RecordVersion v = toVersion(stored);
            if (accept.test(v)) return v.deleted() ? Optional.empty() : Optional.of(v);
            index = stored.previousIndex();
        }
        return Optional.empty();
    }

    /**
     * Versions of a record, newest first, starting below {@code beforeVersion} ({@code Long.MAX_VALUE}
     * for the newest), at most {@code limit}. Empty when the record never existed.
     */
    public List<HistoryItem> history(String collection, String key, long beforeVersion, int limit) {
        List<HistoryItem> items = new ArrayList<>();
        Optional<RecordState> state = current(collection, key);
        long index = state.map(RecordState::index).orElse(-1L);
        while (index >= 0 && items.size() < limit) {
            StoredEntry stored = entryAt(index);
            Entry e = EntryCodec.decode(stored.data());
            if (e.recordVersion() < beforeVersion) {
                items.add(new HistoryItem(e.recordVersion(), index, e.time(), e.actor(),
                        StateEffect.of(e.kind()) == StateEffect.TOMBSTONE));
            }
            index = stored.previousIndex();
        }
        return items;
    }

    /** Whether a record was ever written (deleted ones included). */
    public boolean everExisted(String collection, String key) {
        return current(collection, key).isPresent();
    }

    /** Live records of a collection in key order after {@code afterKey}, at most {@code limit}. */
    public List<RecordState> list(String collection, String afterKey, int limit) {
        Names.recordCollection(collection);
        if (limit < 1 || limit > 1000) throw new EngineException(Problem.INVALID, "limit must be between 1 and 1000, got " + limit);
        return store.list(collection, afterKey, limit);
    }

    /** Entries in the log, integrated into the tree or not yet. */
    public long size() {
        return store.size();
    }

    /** Writes waiting to be committed. */
    public int backlog() {
        return sequencer.backlog();
    }

    RecentLeaves recentLeaves() {
        return recent;
    }

    Optional<RecordState> systemState(RecordId id) {
        return store.state(id);
    }

    RecordVersion read(long index) {
        return toVersion(entryAt(index));
    }

    private Optional<RecordState> current(String collection, String key) {
        return store.state(new RecordId(Names.recordCollection(collection), Names.key(key)));
    }

    private StoredEntry entryAt(long index) {
        return store.entry(index).orElseThrow(() -> new EngineException(Problem.UNAVAILABLE,
                "the state points at log entry " + index + ", which the store does not have; run `kalaja verify`"));
    }

    private RecordVersion toVersion(StoredEntry stored) {
        Entry e = EntryCodec.decode(stored.data());
        boolean deleted = StateEffect.of(e.kind()) == StateEffect.TOMBSTONE;
        return new RecordVersion(new RecordId(e.collection(), e.key()), e.recordVersion(), stored.index(), e.time(),
                e.actor(), deleted, sealing.plain(e), Sealing.sealed(e));
    }

    /** Stops taking writes, commits those already queued, then returns. Does not close the store. */
    @Override
    public void close() {
        sequencer.close();
    }
}
