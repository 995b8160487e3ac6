package org.kalaja.engine;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Safe mode in the engine: while the barrier is closed, {@link RecordsEngine#put} and
 * {@link RecordsEngine#delete} of callers' collections fail with
 * {@link EngineException.Problem#REFUSED} ("safe mode: &lt;reason&gt;") and write nothing.
 * {@link RecordsEngine#appendSystem} (tokens, incidents, approvals, configuration),
 * {@link RecordsEngine#compensate} (incident undo) and {@link RecordsEngine#repairStates} pass, and
 * reads work.
 *
 * <p>The barrier is checked twice: when a write is submitted (a refused write never queues), and
 * again when the committer takes the group the write is in, so a write queued before {@link #close}
 * is refused too unless its group had begun committing. {@link #close} waits for such a group to
 * finish. Hence the guarantee: <b>once {@code close} has returned, no put or delete that was not
 * committed yet will be committed</b>; every one of them fails with REFUSED. The only exception is a
 * call of {@code close} from inside a write's completion callback, which runs on the committer's
 * thread: it does not wait (it could not), and the group that completed the callback is committed
 * already, so the guarantee holds there as well.
 *
 * <p>The barrier lives in memory only: the sentinel records safe mode in the log and closes the
 * barrier again when a node starts. Cost on the write path while open: one volatile read per write
 * at submission and one per group at commit; no lock, no allocation.
 *
 * <p>Thread-safe.
 */
public final class WriteBarrier {
    private final Runnable awaitCommitInProgress;
    private volatile @Nullable String reason;

    WriteBarrier(Runnable awaitCommitInProgress) {
        this.awaitCommitInProgress = awaitCommitInProgress;
    }

    /**
     * Closes the barrier (or replaces the reason of a closed one), then waits until a group commit in
     * progress, if any, has finished: see the class comment for what this guarantees.
     *
     * @param reason said to refused callers after "safe mode: ", e.g. "incident inc-20260715-3f9a1c"
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    public void close(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) throw new IllegalArgumentException("a closed write barrier needs a reason callers can be told");
        this.reason = reason;
        awaitCommitInProgress.run();
    }

    /** Opens the barrier: puts and deletes are accepted again. Opening an open barrier does nothing. */
    public void open() {
        reason = null;
    }

    /** Why the barrier is closed, or empty when it is open. */
    public Optional<String> closedBecause() {
        return Optional.ofNullable(reason);
    }

    /** The reason, or null when open: the one volatile read of the write path. */
    @Nullable String reason() {
        return reason;
    }

    static EngineException refusal(String reason) {
        return new EngineException(EngineException.Problem.REFUSED, "safe mode: " + reason);
    }
}
