package org.kalaja.engine;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.Plan.Pending;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns queued mutations into log entries and state changes, many per store transaction (group
 * commit), in a pipeline of two threads.
 *
 * <p>The planner takes whatever is waiting (up to {@code maxBatch}) and makes a {@link Plan}: it
 * reads the states and idempotency keys the batch needs from a {@linkplain Store#snapshot snapshot}
 * (without the write lock), adds what the plans still committing will change, checks each mutation's
 * preconditions, and encodes the accepted ones as entries with consecutive indexes. Meanwhile the
 * committer writes the previous plan in one store transaction. Inside the transaction the committer
 * checks that the plan still holds (the log has the size the plan began at, and the plans it counted
 * on committed as planned); if another writer got in between (a second node on the same database, or
 * a failed commit before), it plans the batch again there, from what the transaction reads. So the
 * outcome is always what one thread sequencing inside the transaction would have decided; the
 * pipeline only lets the reading and encoding of one group overlap the commit of the one before.
 *
 * <p>Only after the commit returns does any caller's future complete: an acknowledged write is
 * durable. A rejected mutation (version conflict, absent record) writes nothing and does not disturb
 * the others of its batch. If the commit fails, every mutation of the batch fails as
 * {@link Problem#UNAVAILABLE} and nothing was kept.
 *
 * <p>A commit can fail after the database applied it (a connection lost while committing): the
 * caller sees UNAVAILABLE although the write happened. Clients that retry with the same
 * idempotency key get the original result instead of a second entry; that is what the keys are for.
 *
 * <p>Entry times never decrease along the log: every plan takes its time from {@link #nextTime}, and
 * a plan committed as planned was planned after every plan committed before it.
 *
 * <p>Safe mode: the committer checks the {@link WriteBarrier} as it takes each group; while it is
 * closed, the group's guarded mutations (callers' puts and deletes) are refused and the rest of the
 * group is planned again inside its transaction. A state repair travels through the queue like a
 * write but is handed to the committer as a group of its own, never planned ahead: groups planned
 * while it is in flight are planned inside their transactions, after it, from the repaired state.
 */
final class Sequencer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);
    /** Handed to the committer when the planner stops. */
    private static final Plan END = Plan.unplanned(List.of());

    private final Store store;
    private final RecentLeaves recent;
    private final Clock clock;
    private final int maxBatch;
    private final ArrayBlockingQueue<Pending> queue;
    /** Plans made and not yet taken by the committer: one, so the planner works at most one group ahead. */
    private final BlockingQueue<Plan> planned = new ArrayBlockingQueue<>(1);
    /** Plans handed to the committer and not finished, in order; the planner counts on them. */
    private final List<Plan> inFlight = new ArrayList<>();
    private final Thread planner;
    private final Thread committer;
    private final WriteBarrier barrier = new WriteBarrier(this::awaitCommitInProgress);
    private volatile boolean closing;
    /** Groups the committer has begun and finished; written by the committer only. */
    private volatile long groupsBegun;
    private volatile long groupsFinished;
    private long lastMicros;

    Sequencer(Store store, RecentLeaves recent, Clock clock, int maxBatch, int queueCapacity) {
        this.store = store;
        this.recent = recent;
        this.clock = clock;
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.planner = Thread.ofPlatform().name("kalaja-sequencer").daemon(false).unstarted(this::plan);
        this.committer = Thread.ofPlatform().name("kalaja-committer").daemon(false).unstarted(this::commit);
        this.planner.start();
        this.committer.start();
    }

    WriteBarrier barrier() {
        return barrier;
    }

    CompletableFuture<WriteResult> submit(Mutation mutation) {
        return submit(mutation, null);
    }

    /** Queues {@code mutation}; with a {@code repair}, the two are committed together in a group of their own. */
    CompletableFuture<WriteResult> submit(Mutation mutation, @Nullable StateRepair repair) {
        CompletableFuture<WriteResult> future = new CompletableFuture<>();
        if (closing) {
            future.completeExceptionally(new EngineException(Problem.REFUSED, "this node is shutting down; retry on another node or shortly"));
        } else if (!queue.offer(new Pending(mutation, future, repair))) {
            future.completeExceptionally(new EngineException(Problem.OVERLOADED,
                    "more than " + queue.size() + " writes are waiting; retry in a moment"));
        }
        return future;
    }

    /** Writes waiting to be sequenced; for status pages and back-pressure. */
    int backlog() {
        return queue.size();
    }

    private void plan() {
        try {
            while (!closing || !queue.isEmpty()) {
                Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                List<Pending> batch = new ArrayList<>(Math.min(maxBatch, queue.size() + 1));
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                int start = 0;
                for (int i = 0; i < batch.size(); i++) {
                    if (batch.get(i).repair() == null) continue;
                    if (i > start) handOver(planAhead(new ArrayList<>(batch.subList(start, i))));
                    handOver(Plan.unplanned(List.of(batch.get(i))));
                    start = i + 1;
                }
                if (start == 0) {
                    handOver(planAhead(batch));
                } else if (start < batch.size()) {
                    handOver(planAhead(new ArrayList<>(batch.subList(start, batch.size()))));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            putUninterruptibly(END);
        }
    }

    private void handOver(Plan plan) throws InterruptedException {
        synchronized (inFlight) {
            inFlight.add(plan);
        }
        planned.put(plan);
    }

    /**
     * A plan for {@code batch} from a snapshot and the plans in flight; or the batch unplanned (to be
     * planned inside the transaction) when the snapshot cannot be read or does not line up with them.
     */
    private Plan planAhead(List<Pending> batch) {
        List<Plan> flying;
        synchronized (inFlight) {
            flying = List.copyOf(inFlight);
        }
        try {
            Set<RecordId> ids = Plan.ids(batch);
            Set<String> keys = Plan.scopedKeys(batch);
            Store.Snapshot snapshot = store.snapshot(ids, keys);
            // The plans in flight that the snapshot does not include yet must follow on from it exactly.
            List<Plan> assumed = new ArrayList<>();
            long expected = snapshot.size();
            for (Plan p : flying) {
                if (!p.planned()) return Plan.unplanned(batch); // where its entries will go is not known yet
                if (p.first + p.size() <= snapshot.size()) continue; // committed before the snapshot
                if (p.first != expected) return Plan.unplanned(batch); // a failed plan, or another writer
                assumed.add(p);
                expected += p.size();
            }
            return Plan.make(batch, new Plan.Reads(snapshot.size(), snapshot.states(), snapshot.idempotencyKeys()), assumed,
                    nextTime(), store);
        } catch (StoreException e) {
            return Plan.unplanned(batch); // the committer will meet the store's trouble itself and report it
        } catch (RuntimeException e) {
            LOG.error("planning a batch of {} writes failed; it is planned again inside its transaction", batch.size(), e);
            return Plan.unplanned(batch);
        }
    }

    private void commit() {
        while (true) {
            Plan plan;
            try {
                plan = planned.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (plan == END) return;
            long group = groupsBegun + 1;
            groupsBegun = group; // before the barrier is read: see awaitCommitInProgress
            try {
                commit(plan);
            } catch (RuntimeException | Error e) {
                // A defect must not stop the node from answering: fail this batch, keep going.
                LOG.error("sequencer failed a batch of {} writes", plan.batch.size(), e);
                plan.finish(Plan.Status.FAILED);
                for (Pending p : plan.batch) {
                    p.future().completeExceptionally(new EngineException(Problem.UNAVAILABLE, "internal error; nothing was written", e));
                }
            } finally {
                synchronized (inFlight) {
                    inFlight.remove(plan);
                }
                groupsFinished = group;
            }
        }
    }

    private void commit(Plan ahead) {
        List<Pending> batch = ahead.batch;
        String closed = barrier.reason();
        if (closed != null) {
            batch = refuseGuarded(batch, closed);
            if (batch.isEmpty()) {
                ahead.finish(Plan.Status.REPLANNED); // nothing left to write; plans counting on it plan again
                return;
            }
        }
        boolean asPlanned = batch == ahead.batch;
        List<Pending> writes = batch;
        Plan written;
        try {
            written = store.write(txn -> {
                if (asPlanned && ahead.validFor(txn.size())) {
                    ahead.writeTo(txn);
                    return ahead;
                }
                Plan inside = Plan.inside(txn, writes, nextTime(), store);
                inside.writeTo(txn);
                StateRepair repair = inside.acceptedRepair();
                if (repair != null) repair.writeTo(txn, store);
                return inside;
            });
        } catch (StoreException | EngineException e) {
            ahead.finish(Plan.Status.FAILED);
            EngineException failure = e instanceof EngineException refused ? refused : new EngineException(Problem.UNAVAILABLE,
                    "the store could not commit: " + e.getMessage() + "; nothing of this write was kept, retry with the same Idempotency-Key", e);
            for (Pending p : writes) p.future().completeExceptionally(failure);
            return;
        }
        ahead.finish(written == ahead ? Plan.Status.COMMITTED : Plan.Status.REPLANNED);
        recent.committed(written.first, written.leaves);
        for (int i = 0; i < written.outcomes.length; i++) {
            if (written.outcomes[i] instanceof WriteResult result) {
                writes.get(i).future().complete(result);
            } else {
                writes.get(i).future().completeExceptionally((EngineException) written.outcomes[i]);
            }
        }
    }

    /** Fails the guarded mutations of {@code batch}; the others, or {@code batch} itself if none was guarded. */
    private static List<Pending> refuseGuarded(List<Pending> batch, String reason) {
        List<Pending> passing = new ArrayList<>();
        EngineException refusal = null;
        for (Pending p : batch) {
            if (!p.mutation().guarded()) {
                passing.add(p);
                continue;
            }
            if (refusal == null) refusal = WriteBarrier.refusal(reason);
            p.future().completeExceptionally(refusal);
        }
        return refusal == null ? batch : passing;
    }

    /**
     * Returns once the group commit in progress when it was called (if any) has finished. The
     * committer announces each group ({@link #groupsBegun}) before it reads the barrier; a caller
     * that closed the barrier first and reads the counter after therefore either is seen by the
     * committer, or waits for the group that did not see it. On the committer's own thread (a write's
     * completion callback) there is no group in progress to wait for.
     */
    private void awaitCommitInProgress() {
        if (Thread.currentThread() == committer) return;
        long begun = groupsBegun;
        while (groupsFinished < begun && committer.isAlive()) LockSupport.parkNanos(100_000);
    }

    /** The time of the next plan: the clock's, but never before a time already given out. */
    private synchronized Instant nextTime() {
        Instant now = clock.instant();
        long micros = Math.max(lastMicros, now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000);
        lastMicros = micros;
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }

    private void putUninterruptibly(Plan work) {
        boolean interrupted = false;
        while (true) {
            try {
                planned.put(work);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public void close() {
        closing = true;
        try {
            planner.join();
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
