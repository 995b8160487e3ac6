package org.kalaja.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns queued mutations into log entries and state changes, many per store transaction (group
 * commit).
 *
 * <p>One thread takes whatever is waiting (up to {@code maxBatch}), checks each mutation's
 * preconditions against the committed state plus the changes made earlier in the same batch,
 * encodes the accepted ones as entries with consecutive indexes, and commits entries, states and
 * idempotency keys in one transaction. Only after the commit returns does any caller's future
 * complete: an acknowledged write is durable. A rejected mutation (version conflict, absent record)
 * writes nothing and does not disturb the others of its batch. If the commit fails, every mutation
 * of the batch fails as {@link Problem#UNAVAILABLE} and nothing was kept.
 *
 * <p>A commit can fail after the database applied it (a connection lost while committing): the
 * caller sees UNAVAILABLE although the write happened. Clients that retry with the same
 * idempotency key get the original result instead of a second entry; that is what the keys are for.
 */
final class Sequencer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    private final Store store;
    private final RecentEntries recent;
    private final Clock clock;
    private final int maxBatch;
    private final ArrayBlockingQueue<Pending> queue;
    private final Thread thread;
    private volatile boolean closing;
    private long lastMicros;

    private record Pending(Mutation mutation, CompletableFuture<WriteResult> future) {
    }

    Sequencer(Store store, RecentEntries recent, Clock clock, int maxBatch, int queueCapacity) {
        this.store = store;
        this.recent = recent;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.thread = Thread.ofPlatform().name("kalaja-sequencer").daemon(false).unstarted(this::run);
        this.thread.start();
    }

    CompletableFuture<WriteResult> submit(Mutation mutation) {
        CompletableFuture<WriteResult> future = new CompletableFuture<>();
        if (closing) {
            future.completeExceptionally(new EngineException(Problem.REFUSED, "this node is shutting down; retry on another node or shortly"));
        } else if (!queue.offer(new Pending(mutation, future))) {
            future.completeExceptionally(new EngineException(Problem.OVERLOADED,
                    "more than " + queue.size() + " writes are waiting; retry in a moment"));
        }
        return future;
    }

    /** Writes waiting to be sequenced; for status pages and back-pressure. */
    int backlog() {
        return queue.size();
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closing || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // A defect must not stop the node from answering: fail this batch, keep going.
                LOG.error("sequencer failed a batch of {} writes", batch.size(), e);
                for (Pending p : batch) {
                    p.future.completeExceptionally(new EngineException(Problem.UNAVAILABLE, "internal error; nothing was written", e));
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void commit(List<Pending> batch) {
        Object[] outcomes = new Object[batch.size()];
        List<byte[]> appended = new ArrayList<>(batch.size());
        long first;
        try {
            first = store.write(txn -> {
                appended.clear();
                return sequence(txn, batch, outcomes, appended);
            });
        } catch (StoreException e) {
            EngineException failure = new EngineException(Problem.UNAVAILABLE,
                    "the store could not commit: " + e.getMessage() + "; nothing of this write was kept, retry with the same Idempotency-Key", e);
            for (Pending p : batch) p.future.completeExceptionally(failure);
            return;
        }
        recent.committed(first, appended);
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof WriteResult result) {
                batch.get(i).future.complete(result);
            } else {
                batch.get(i).future.completeExceptionally((EngineException) outcomes[i]);
            }
        }
    }

    /**
     * Runs inside the write transaction; fills {@code outcomes} with a WriteResult or an
     * EngineException per mutation and {@code appended} with the entries appended, in order.
     *
     * @return the index of the first entry appended
     */
    private long sequence(WriteTransaction txn, List<Pending> batch, Object[] outcomes, List<byte[]> appended) {
        Set<RecordId> ids = new LinkedHashSet<>();
        Set<String> idemKeys = new LinkedHashSet<>();
        for (Pending p : batch) {
            ids.add(p.mutation.id());
            if (!p.mutation.idempotencyKey().isEmpty()) idemKeys.add(scopedKey(p.mutation));
        }
        Map<RecordId, RecordState> states = new HashMap<>(txn.states(ids));
        Map<String, Long> committedKeys = idemKeys.isEmpty() ? Map.of() : txn.idempotencyKeys(idemKeys);
        Map<String, Accepted> keysInBatch = new HashMap<>();
        Map<RecordId, RecordState> changed = new HashMap<>();

        long first = txn.size();
        long next = first;
        long micros = Math.max(lastMicros, nowMicros());
        Instant time = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);

        for (int i = 0; i < batch.size(); i++) {
            Mutation m = batch.get(i).mutation;
            String scoped = m.idempotencyKey().isEmpty() ? "" : scopedKey(m);
            try {
                if (!scoped.isEmpty()) {
                    Accepted earlier = keysInBatch.get(scoped);
                    if (earlier != null) {
                        outcomes[i] = replay(m, earlier.mutation, earlier.result);
                        continue;
                    }
                    Long committedIndex = committedKeys.get(scoped);
                    if (committedIndex != null) {
                        outcomes[i] = replayCommitted(m, committedIndex);
                        continue;
                    }
                }
                if (StateEffect.of(m.kind()) == StateEffect.NONE) {
                    // An event about no record: recorded in the log, no version, no state.
                    long index = next++;
                    byte[] data = EntryCodec.encode(new Entry(m.kind(), time, m.caller().actor(), m.caller().address(),
                            m.caller().userAgent(), m.id().collection(), m.id().key(), 0, m.idempotencyKey(),
                            m.bodyType(), m.body()));
                    txn.append(index, data, -1);
                    appended.add(data);
                    outcomes[i] = new WriteResult(m.id(), 0, index, false, false);
                    continue;
                }
                RecordState current = states.get(m.id());
                checkPrecondition(m, current);
                long version = current == null ? 1 : current.version() + 1;
                boolean tombstone = StateEffect.of(m.kind()) == StateEffect.TOMBSTONE;
                byte[] data = EntryCodec.encode(new Entry(m.kind(), time, m.caller().actor(), m.caller().address(),
                        m.caller().userAgent(), m.id().collection(), m.id().key(), version, m.idempotencyKey(),
                        tombstone ? BodyType.NONE : m.bodyType(), tombstone ? new byte[0] : m.body()));
                long index = next++;
                if (m.blob().length > 0) txn.putBlob(Blobs.sha256(m.blob()), m.blob());
                txn.append(index, data, current == null ? -1 : current.index());
                appended.add(data);
                RecordState after = new RecordState(m.id(), version, index, tombstone);
                states.put(m.id(), after);
                changed.put(m.id(), after);
                WriteResult result = new WriteResult(m.id(), version, index, current == null || current.deleted(), false);
                if (!scoped.isEmpty()) {
                    keysInBatch.put(scoped, new Accepted(m, result));
                    txn.putIdempotencyKey(scoped, index);
                }
                outcomes[i] = result;
            } catch (EngineException e) {
                outcomes[i] = e;
            } catch (EntryTooLargeException e) {
                outcomes[i] = new EngineException(Problem.TOO_LARGE, "the entry for this write would be too large: " + e.getMessage());
            }
        }
        for (RecordState s : changed.values()) txn.putState(s);
        lastMicros = micros;
        return first;
    }

    private record Accepted(Mutation mutation, WriteResult result) {
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

    private WriteResult replayCommitted(Mutation retry, long index) {
        StoredEntry stored = store.entry(index).orElseThrow(() -> new IllegalStateException(
                "idempotency key points at entry " + index + ", which the store does not have"));
        Entry e = EntryCodec.decode(stored.data());
        Mutation original = new Mutation(e.kind(), retry.caller(), new RecordId(e.collection(), e.key()), e.bodyType(),
                e.body(), new byte[0], Mutation.ANY_VERSION, e.idempotencyKey());
        boolean created = stored.previousIndex() < 0 || StateEffect.of(
                EntryCodec.decode(store.entry(stored.previousIndex()).orElseThrow().data()).kind()) == StateEffect.TOMBSTONE;
        return replay(retry, original, new WriteResult(original.id(), e.recordVersion(), index, created, false));
    }

    /** Idempotency keys are per actor, so one client cannot collide with (or probe) another's keys. */
    private static String scopedKey(Mutation m) {
        return m.caller().actor() + " " + m.idempotencyKey();
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
