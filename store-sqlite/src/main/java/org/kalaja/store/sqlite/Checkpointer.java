package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies the WAL into the database file on a thread of its own, so that a commit only appends to the
 * WAL and syncs it; SQLite's automatic checkpoint (off on the writer) would do the copy, and its
 * fsync of the database file, inside whichever commit crossed the threshold.
 *
 * <p>Policy, in bytes of WAL estimated from what the writer committed and corrected from SQLite's own
 * frame count after each checkpoint:
 * <ul>
 *   <li>once {@link Limits#passiveBytes} were committed since the last checkpoint, a {@code PASSIVE}
 *       checkpoint copies what it can without waiting for (or blocking) readers or the writer;</li>
 *   <li>once the WAL holds about {@link Limits#restartBytes}, the writer MUST call {@link #restart}
 *       after its commit: a {@code RESTART} checkpoint copies the rest (little, after the passive
 *       ones) while holding off writers, so that the next commit writes the WAL from its start.
 *       This bounds the WAL under sustained writes; only a reader holding one snapshot for longer
 *       than SQLite's busy timeout can delay it (then the restart is tried again later);</li>
 *   <li>after {@value #IDLE_MILLIS} ms without commits, a {@code TRUNCATE} checkpoint empties the WAL.
 *       It runs on the writer's connection, under the writer's lock ({@link IdleTruncate}): a
 *       TRUNCATE rewrites the WAL's header, which every other connection sees as a change to the
 *       database ({@code PRAGMA data_version} moves), and the store's foreign-write marker is the
 *       writer connection's {@code data_version}, which MUST move only for other processes' commits.
 *       PASSIVE checkpoints leave the header alone, so they stay on this thread's connection.</li>
 * </ul>
 * A failed checkpoint loses nothing: every frame it did not copy stays in the WAL, and SQLite replays
 * the WAL after a crash. The checkpointer's errors are therefore only retried, never reported.
 */
final class Checkpointer implements AutoCloseable {
    /** @param passiveBytes WAL growth that triggers a passive checkpoint; {@code restartBytes} bounds the WAL */
    record Limits(long passiveBytes, long restartBytes) {
        static final Limits DEFAULT = new Limits(32L << 20, 256L << 20);
    }

    private static final long IDLE_MILLIS = 1_000;
    static final int IDLE_BUSY_MILLIS = 200;
    /** A WAL frame: a 24-byte header and a page. */
    private static final long FRAME_BYTES = 4096 + 24;
    /** Pages a commit rewrites whatever its size (the B-trees' last leaves and their parents). */
    private static final long COMMIT_OVERHEAD = 4 * FRAME_BYTES;

    /** Runs a TRUNCATE checkpoint on the writer's connection when no write is in progress. */
    @FunctionalInterface
    interface IdleTruncate {
        /** Returns whether the WAL was copied whole and emptied; false if a write or a reader got in the way. */
        boolean truncate() throws SQLException;
    }

    private final Limits limits;
    private final IdleTruncate idleTruncate;
    private final Connection connection;
    private final AtomicLong sinceCheckpoint = new AtomicLong();
    private final AtomicLong walBytes = new AtomicLong();
    private volatile long lastCommitNanos = System.nanoTime();
    private volatile long nextRestartAt;
    private volatile boolean closed;
    private final Thread thread;

    Checkpointer(Path file, Limits limits, IdleTruncate idleTruncate) throws SQLException {
        this.limits = limits;
        this.idleTruncate = idleTruncate;
        this.nextRestartAt = limits.restartBytes();
        this.connection = Schema.openCheckpointer(file);
        this.thread = Thread.ofPlatform().daemon().name("kalaja-sqlite-checkpointer " + file.getFileName()).unstarted(this::run);
        thread.start();
    }

    /** Told by the writer after each commit, with about how many bytes it wrote. */
    void committed(long bytes) {
        long added = bytes + COMMIT_OVERHEAD;
        walBytes.addAndGet(added);
        lastCommitNanos = System.nanoTime();
        if (sinceCheckpoint.addAndGet(added) >= limits.passiveBytes()) LockSupport.unpark(thread);
    }

    /** Whether the writer MUST run {@link #restart} before its next transaction. */
    boolean mustRestart() {
        return walBytes.get() >= nextRestartAt;
    }

    /**
     * Runs a {@code RESTART} checkpoint on the writer's connection, outside any transaction. If a
     * reader kept it from finishing, it is tried again after another quarter of the limit.
     */
    void restart(Statement writer) throws SQLException {
        if (checkpoint(writer, "RESTART")) {
            nextRestartAt = limits.restartBytes();
        } else {
            nextRestartAt = walBytes.get() + limits.restartBytes() / 4;
        }
    }

    private void run() {
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + IDLE_BUSY_MILLIS);
            while (!closed) {
                long idleNanos = System.nanoTime() - lastCommitNanos;
                if (sinceCheckpoint.get() >= limits.passiveBytes()) {
                    checkpointQuietly(s, "PASSIVE");
                } else if (walBytes.get() > 0 && idleNanos >= TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)
                        && !truncateQuietly()) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS)); // a reader holds the WAL
                } else {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS / 4));
                }
            }
        } catch (SQLException | RuntimeException e) {
            // Without this thread the writer still restarts the WAL at its limit; nothing is lost.
        }
    }

    private boolean truncateQuietly() {
        try {
            return idleTruncate.truncate();
        } catch (SQLException | RuntimeException e) {
            return false; // retried after the pause
        }
    }

    /** Returns whether the checkpoint copied the whole WAL. */
    private boolean checkpointQuietly(Statement s, String mode) {
        try {
            return checkpoint(s, mode);
        } catch (SQLException e) {
            // Retried at the next trigger; pause so a persistent failure (a full disk) does not spin.
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS / 4));
            return false;
        }
    }

    /** Returns whether the checkpoint copied the whole WAL. */
    boolean checkpoint(Statement s, String mode) throws SQLException {
        long before = sinceCheckpoint.getAndSet(0);
        try (ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            rs.next();
            boolean busy = rs.getInt(1) != 0;
            long frames = Math.max(0, rs.getInt(2));
            boolean whole = !busy && rs.getInt(3) == rs.getInt(2);
            boolean emptied = whole && !mode.equals("PASSIVE"); // RESTART and TRUNCATE restart the WAL
            // SQLite's count replaces the estimate; what was committed during the checkpoint is added back.
            walBytes.set((emptied ? 0 : frames * FRAME_BYTES) + sinceCheckpoint.get());
            if (busy) sinceCheckpoint.addAndGet(before);
            return whole;
        }
    }

    /** Stops the thread, waiting for a checkpoint in progress, and closes its connection. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // Holds nothing that could be lost.
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
