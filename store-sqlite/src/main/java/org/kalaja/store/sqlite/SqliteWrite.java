package org.kalaja.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.WriteTransaction;

/**
 * A write transaction on the writer connection. The transaction's changes are collected into a
 * {@link Frame}; at commit the frame is appended to the log and fsync'd (the commit point), and
 * applied to the database in the same database transaction, committed with {@code synchronous=NORMAL}
 * only after the fsync returned. The fsync runs on a thread of its own while the writer applies the
 * frame: the disk's wait and SQLite's work overlap instead of adding up. Reads see the committed
 * state, as {@link WriteTransaction} describes.
 *
 * <p>Failures: if the work throws, nothing was written anywhere. If the append, its fsync, the apply
 * or the database's COMMIT fails, the segment is cut back to where the frame began (durably) before
 * the database transaction is rolled back, so nothing is kept now or after a crash. If even that cut
 * fails, the write's outcome is unknown (the frame may be applied when the store is next opened):
 * the exception says so and the store refuses further writes until it is reopened.
 */
final class SqliteWrite implements WriteTransaction, Writer.Scope<WriteTransaction>, AutoCloseable {
    private final Writer writer;
    private final SegmentLog log;
    private final Recovery recovery;
    private final FrameApplier applier;
    private final Frame.Builder frame = new Frame.Builder();
    private final ExecutorService syncer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kalaja-sqlite-fsync").daemon(true).factory());
    private long committedSize;
    private FrameApplier.Tail tail = new FrameApplier.Tail(0, 0, 0);
    private long writtenBytes;
    private boolean open;
    /** Where this transaction's frame was appended, while it may need cutting off again; -1 if none. */
    private long appendedSegment = -1;
    private long appendedOffset;
    /** For tests: write the frame and stop there, as a process killed before applying it would. */
    private boolean stopAfterFrame;
    private boolean recovering;

    SqliteWrite(Writer writer, SegmentLog log) {
        this.writer = writer;
        this.log = log;
        this.recovery = new Recovery(log);
        this.applier = new FrameApplier(writer);
    }

    /** The next transaction checks the whole log after the database's tail, as on opening the store. */
    void recoverOnNextOpen() {
        recovering = true;
    }

    /** For tests: the next transaction appends its frame durably, then fails without applying it or cutting it off. */
    void stopAfterFrame() {
        stopAfterFrame = true;
    }

    @Override
    public WriteTransaction open() throws SQLException {
        writer.checkNotPoisoned();
        tail = applier.tail();
        try {
            boolean check = recovering || recovery.mayHaveUnapplied(tail);
            recovering = false;
            if (check) {
                long[] bytes = {0};
                recovery.replay(tail, true, (f, segment, offset, length) -> bytes[0] += applier.apply(f, segment, offset, length, true));
                writtenBytes = bytes[0];
                tail = applier.tail();
            } else {
                writtenBytes = 0;
            }
        } catch (IOException e) {
            throw log.failure(e, tail.segment(), "replaying frames a stopped writer left in the log", true);
        }
        committedSize = tail.size();
        frame.reset(committedSize);
        appendedSegment = -1;
        open = true;
        return this;
    }

    @Override
    public long size() {
        checkOpen();
        return committedSize;
    }

    @Override
    public Map<RecordId, RecordState> states(Collection<RecordId> ids) {
        checkOpen();
        try {
            return BatchLookups.states(writer::prepared, ids);
        } catch (SQLException e) {
            throw fail(e, "reading record states");
        }
    }

    @Override
    public Map<String, Long> idempotencyKeys(Collection<String> keys) {
        checkOpen();
        try {
            return BatchLookups.idempotencyKeys(writer::prepared, keys);
        } catch (SQLException e) {
            throw fail(e, "reading idempotency keys");
        }
    }

    @Override
    public void append(long index, byte[] data, long previousIndex) {
        checkOpen();
        if (index != frame.next()) {
            throw new StoreException("append out of order in " + writer.file() + ": the next index is " + frame.next()
                    + " (the log held " + committedSize + " entries when the transaction began) but the caller appended "
                    + index + "; the transaction was rolled back", false);
        }
        frame.append(data, previousIndex);
    }

    @Override
    public void putState(RecordState state) {
        checkOpen();
        frame.state(state);
    }

    @Override
    public void removeState(RecordId id) {
        checkOpen();
        frame.removal(id);
    }

    @Override
    public void putIdempotencyKey(String key, long index) {
        checkOpen();
        frame.key(key, index);
    }

    @Override
    public void putBlob(byte[] sha256, byte[] content) {
        checkOpen();
        frame.blob(sha256, content);
    }

    /** Appends the frame, fsyncs it, and applies it to the open database transaction. */
    @Override
    public void flush() throws SQLException {
        if (frame.isEmpty()) return;
        Frame built = frame.build();
        ByteBuffer bytes;
        try {
            bytes = frame.encode();
        } catch (IllegalArgumentException e) {
            throw new StoreException(e.getMessage() + " in " + writer.file() + "; nothing was written", false, e);
        }
        boolean full = tail.endOffset() >= log.segmentBytes() && built.first != tail.segment();
        long segment = full ? built.first : tail.segment();
        long offset = full ? 0 : tail.endOffset();
        int length = bytes.remaining();
        appendedSegment = segment;
        appendedOffset = offset;
        try {
            log.write(segment, offset, bytes);
        } catch (IOException e) {
            throw log.failure(e, segment, "appending a frame of " + length + " bytes at offset " + offset, true);
        }
        Future<?> synced = syncer.submit(() -> {
            log.force(segment);
            return null;
        });
        try {
            if (stopAfterFrame) {
                stopAfterFrame = false;
                awaitSync(synced, segment);
                appendedSegment = -1; // left in the log, as by a process that died here
                throw new StoreException("stopped after the frame, for a test", false);
            }
            writtenBytes += applier.apply(built, segment, offset, length, false);
        } finally {
            // Before COMMIT, and before end() may cut the frame off again: never both at once.
            awaitSync(synced, segment);
        }
    }

    /** Waits for the frame's fsync; its failure fails the transaction (end() then cuts the frame off). */
    private void awaitSync(Future<?> synced, long segment) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    synced.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // the fsync runs on: the transaction's outcome waits for it
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw log.failure(io, segment, "fsyncing a frame", true);
            if (cause instanceof RuntimeException r) throw r;
            throw new StoreException("fsyncing a frame of " + log.path(segment) + " failed: " + cause, true, cause);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** The frame's fsync made the transaction durable; the database commit need not fsync too. */
    @Override
    public boolean syncsDatabase() {
        return false;
    }

    @Override
    public long writtenBytes() {
        return writtenBytes;
    }

    @Override
    public void end(boolean committed) {
        open = false;
        if (committed || appendedSegment < 0) return;
        long segment = appendedSegment;
        appendedSegment = -1;
        boolean interrupted = Thread.interrupted(); // an interrupt would fail the cut as well
        try {
            log.truncate(segment, appendedOffset);
        } catch (IOException | RuntimeException e) {
            writer.poison("a write failed after its frame reached " + log.path(segment) + " and the frame could not be cut off again ("
                    + e + "): its outcome is unknown until the store is reopened, which applies it");
            throw new StoreException("a write to " + writer.file() + " failed, and its frame at offset " + appendedOffset + " of "
                    + log.path(segment) + " could not be removed (" + e + "): the write's outcome is unknown; it will be applied"
                    + " when the store is next opened; the store refuses writes until then", false, e);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Stops the fsync thread; called when the store closes, with no write in progress. */
    @Override
    public void close() {
        syncer.shutdownNow();
    }

    private void checkOpen() {
        if (!open) throw new IllegalStateException("the write transaction on " + writer.file() + " has ended");
    }

    private StoreException fail(SQLException e, String doing) {
        return Failures.translate(e, writer.file(), doing, true);
    }
}
