package org.kalaja.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryTooLargeException;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;

/**
 * One group commit worked out: for each mutation of a batch, its outcome (a result, or a refusal
 * that writes nothing), and for the accepted ones the entries with their indexes, the states,
 * idempotency keys and blobs to write.
 *
 * <p>A plan is made from what the log held at some size ({@link #first}) plus the plans it assumed
 * would commit before it ({@link #assumed}). It is only valid if, inside the write transaction, the
 * log has exactly that size and every assumed plan committed as planned: then nothing the plan read
 * has changed, because every change of state is an entry. Otherwise the sequencer plans the batch
 * again inside the transaction from what it reads there.
 */
final class Plan {
    /** A queued mutation; with a {@code repair} it is a repair's INCIDENT entry, committed in a group of its own. */
    record Pending(Mutation mutation, CompletableFuture<WriteResult> future, @Nullable StateRepair repair) {
        Pending(Mutation mutation, CompletableFuture<WriteResult> future) {
            this(mutation, future, null);
        }
    }

    /** The reads a plan is made from, as of {@code size}. */
    record Reads(long size, Map<RecordId, RecordState> states, Map<String, Long> idempotencyKeys) {
    }

    enum Status { PLANNED, COMMITTED, REPLANNED, FAILED }

    final List<Pending> batch;
    final long first;
    /** Dropped once this plan is finished: otherwise every plan would hold all before it, a chain as long as the node's busy spell. */
    private List<Plan> assumed;
    final Object[] outcomes;
    final List<byte[]> entries = new ArrayList<>();
    /** The leaf hash of each entry, parallel to {@link #entries}: hashed here, on the planner's thread, for the integrator. */
    final List<Hash> leaves = new ArrayList<>();
    /** The previous index of each entry's record (-1 if none), parallel to {@link #entries}. */
    private final long[] previous;
    private final List<byte[][]> blobs = new ArrayList<>();
    private final Map<RecordId, RecordState> changed = new HashMap<>();
    private final Map<String, Accepted> accepted = new HashMap<>();
    private final Map<String, Long> keys = new HashMap<>();
    /** Written by the committer thread only ({@link #finish}); read by it when it validates a later plan. */
    Status status = Status.PLANNED;

    private record Accepted(Mutation mutation, WriteResult result) {
    }

    private Plan(List<Pending> batch, long first, List<Plan> assumed) {
        this.batch = batch;
        this.first = first;
        this.assumed = assumed;
        this.outcomes = new Object[batch.size()];
        this.previous = new long[batch.size()]; // at most one entry per mutation
    }

    /** The ids and scoped idempotency keys a batch needs to read. */
    static Set<RecordId> ids(List<Pending> batch) {
        Set<RecordId> ids = new LinkedHashSet<>();
        for (Pending p : batch) ids.add(p.mutation().id());
        return ids;
    }

    static Set<String> scopedKeys(List<Pending> batch) {
        Set<String> keys = new LinkedHashSet<>();
        for (Pending p : batch) {
            if (!p.mutation().idempotencyKey().isEmpty()) keys.add(scopedKey(p.mutation()));
        }
        return keys;
    }

    /** A batch with nothing worked out yet: the committer plans it inside the transaction. */
    static Plan unplanned(List<Pending> batch) {
        return new Plan(batch, -1, List.of());
    }

    boolean planned() {
        return first >= 0;
    }

    /**
     * The state repair this plan carries, if its batch is a repair's INCIDENT entry (always alone) and
     * that entry was accepted.
     */
    @Nullable StateRepair acceptedRepair() {
        if (batch.size() != 1 || batch.get(0).repair() == null) return null;
        return outcomes[0] instanceof WriteResult ? batch.get(0).repair() : null;
    }

    /** A plan made inside a write transaction, from what it reads: always valid for it. */
    static Plan inside(WriteTransaction txn, List<Pending> batch, Instant time, Store store) {
        Set<String> keys = scopedKeys(batch);
        Reads reads = new Reads(txn.size(), txn.states(ids(batch)), keys.isEmpty() ? Map.of() : txn.idempotencyKeys(keys));
        return make(batch, reads, List.of(), time, store);
    }

    /**
     * A plan from {@code reads} as of {@code reads.size()}, assuming {@code assumed} (which MUST
     * follow each other from that size, in order) commit first.
     */
    static Plan make(List<Pending> batch, Reads reads, List<Plan> assumed, Instant time, Store store) {
        long first = reads.size();
        for (Plan p : assumed) first += p.size();
        Plan plan = new Plan(batch, first, assumed);
        plan.sequence(reads, time, store);
        return plan;
    }

    /** Whether this plan may be written as it is into a transaction that found the log at {@code size}. */
    boolean validFor(long size) {
        if (size != first) return false; // also when unplanned
        for (Plan p : assumed) {
            if (p.status != Status.COMMITTED) return false;
        }
        return true;
    }

    /** Records how this plan ended and lets go of the plans it assumed, which later plans need no longer reach through it. */
    void finish(Status end) {
        if (end == Status.PLANNED) throw new IllegalArgumentException("a plan finishes committed, replanned or failed");
        status = end;
        assumed = List.of();
    }

    /** Writes the plan into {@code txn}. */
    void writeTo(WriteTransaction txn) {
        for (byte[][] b : blobs) txn.putBlob(b[0], b[1]);
        for (int i = 0; i < entries.size(); i++) txn.append(first + i, entries.get(i), previous[i]);
        for (RecordState s : changed.values()) txn.putState(s);
        for (Map.Entry<String, Long> k : keys.entrySet()) txn.putIdempotencyKey(k.getKey(), k.getValue());
    }

    private void sequence(Reads reads, Instant time, Store store) {
        Map<RecordId, RecordState> states = new HashMap<>(reads.states());
        for (Plan p : assumed) {
            for (Pending pending : batch) {
                RecordState s = p.changed.get(pending.mutation().id());
                if (s != null) states.put(s.id(), s);
            }
        }
        long next = first;
        for (int i = 0; i < batch.size(); i++) {
            Mutation m = batch.get(i).mutation();
            String scoped = m.idempotencyKey().isEmpty() ? "" : scopedKey(m);
            try {
                if (!scoped.isEmpty()) {
                    Accepted earlier = acceptedEarlier(scoped);
                    if (earlier != null) {
                        outcomes[i] = replay(m, earlier.mutation, earlier.result);
                        continue;
                    }
                    Long committedIndex = reads.idempotencyKeys().get(scoped);
                    if (committedIndex != null) {
                        outcomes[i] = replayCommitted(store, m, committedIndex);
                        continue;
                    }
                }
                if (StateEffect.of(m.kind()) == StateEffect.NONE) {
                    // An event about no record: recorded in the log, no version, no state.
                    long index = next++;
                    append(encode(m, time, 0, m.bodyType(), m.body()), -1);
                    outcomes[i] = new WriteResult(m.id(), 0, index, false, false);
                    continue;
                }
                RecordState current = states.get(m.id());
                checkPrecondition(m, current);
                long version = current == null ? 1 : current.version() + 1;
                boolean tombstone = StateEffect.of(m.kind()) == StateEffect.TOMBSTONE;
                byte[] data = encode(m, time, version, tombstone ? BodyType.NONE : m.bodyType(), tombstone ? new byte[0] : m.body());
                long index = next++;
                if (m.blob().length > 0) blobs.add(new byte[][] {Blobs.sha256(m.blob()), m.blob()});
                append(data, current == null ? -1 : current.index());
                RecordState after = new RecordState(m.id(), version, index, tombstone);
                states.put(m.id(), after);
                changed.put(m.id(), after);
                WriteResult result = new WriteResult(m.id(), version, index, current == null || current.deleted(), false);
                if (!scoped.isEmpty()) {
                    accepted.put(scoped, new Accepted(m, result));
                    keys.put(scoped, index);
                }
                outcomes[i] = result;
            } catch (EngineException e) {
                outcomes[i] = e;
            } catch (EntryTooLargeException e) {
                outcomes[i] = new EngineException(Problem.TOO_LARGE, "the entry for this write would be too large: " + e.getMessage());
            }
        }
    }

    private Accepted acceptedEarlier(String scoped) {
        Accepted a = accepted.get(scoped);
        for (int i = assumed.size() - 1; a == null && i >= 0; i--) a = assumed.get(i).accepted.get(scoped);
        return a;
    }

    private void append(byte[] data, long previousIndex) {
        previous[entries.size()] = previousIndex;
        entries.add(data);
        leaves.add(Merkle.leafHash(data));
    }

    private static byte[] encode(Mutation m, Instant time, long version, BodyType bodyType, byte[] body) {
        return EntryCodec.encode(new Entry(m.kind(), time, m.caller().actor(), m.caller().address(), m.caller().userAgent(),
                m.id().collection(), m.id().key(), version, m.idempotencyKey(), bodyType, body));
    }

    private static void checkPrecondition(Mutation m, RecordState current) {
        boolean exists = current != null && !current.deleted();
        if (StateEffect.of(m.kind()) == StateEffect.TOMBSTONE && !exists) {
            throw new EngineException(Problem.NOT_FOUND, "no record " + m.id() + " to delete");
        }
        long expected = m.expectedVersion();
        if (expected == Mutation.ANY_VERSION) return;
        if (expected == Mutation.ABSENT) {
            if (exists) {
                throw new EngineException(Problem.VERSION_CONFLICT,
                        "record " + m.id() + " already exists (version " + current.version() + ")");
            }
            return;
        }
        if (current == null) {
            throw new EngineException(Problem.VERSION_CONFLICT, "record " + m.id() + " does not exist; If-Match needs an existing"
                    + " record (use If-None-Match: * to create it only if absent)");
        }
        if (!exists || current.version() != expected) {
            throw new EngineException(Problem.VERSION_CONFLICT, "record " + m.id() + " is at "
                    + (current.deleted() ? "deleted version " : "version ") + current.version()
                    + ", not version " + expected + "; read it again before changing it");
        }
    }

    private static WriteResult replay(Mutation retry, Mutation original, WriteResult result) {
        if (!retry.sameRequestAs(original)) {
            throw new EngineException(Problem.IDEMPOTENCY_KEY_REUSED, "Idempotency-Key '" + retry.idempotencyKey()
                    + "' was already used for a different request (entry " + result.index() + ")");
        }
        return result.asReplay();
    }

    private static WriteResult replayCommitted(Store store, Mutation retry, long index) {
        StoredEntry stored = store.entry(index).orElseThrow(() -> new IllegalStateException(
                "idempotency key points at entry " + index + ", which the store does not have"));
        Entry e = EntryCodec.decode(stored.data());
        Mutation.Sealed sealed = retry.sealed() == null ? null
                : new Mutation.Sealed(retry.sealed().plainOf().apply(e), retry.sealed().plainOf());
        Mutation original = new Mutation(e.kind(), retry.caller(), new RecordId(e.collection(), e.key()), e.bodyType(),
                e.body(), new byte[0], Mutation.ANY_VERSION, e.idempotencyKey(), retry.guarded(), sealed);
        boolean created = stored.previousIndex() < 0 || StateEffect.of(
                EntryCodec.decode(store.entry(stored.previousIndex()).orElseThrow().data()).kind()) == StateEffect.TOMBSTONE;
        return replay(retry, original, new WriteResult(original.id(), e.recordVersion(), index, created, false));
    }

    /** Idempotency keys are per actor, so one client cannot collide with (or probe) another's keys. */
    private static String scopedKey(Mutation m) {
        return m.caller().actor() + " " + m.idempotencyKey();
    }

    /** How many entries the plan appends. */
    int size() {
        return entries.size();
    }
}
