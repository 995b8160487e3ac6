package org.kalaja.store.sqlite;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.util.List;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.store.sqlite.FrameApplier.Tail;

/**
 * Brings the database up to the log: applies every durable frame after the database's tail.
 *
 * <p>Why there can be such frames: a write fsyncs its frame, then commits to the database with
 * {@code synchronous=NORMAL}. A process killed between the two leaves a frame the database never
 * saw; a power loss may also drop the last few database commits (NORMAL does not fsync each
 * commit), leaving frames whose writes were acknowledged. Both are re-applied; applying is made of
 * upserts, so it is the same whether or not part of it was lost.
 *
 * <p>What is cut off: an invalid frame at the very end of the last segment (a header cut short, all
 * zeros to the end of the file, or a frame whose declared length reaches the end of the file and
 * whose CRC-32C does not match) is a write whose fsync never returned, so it was never acknowledged;
 * the segment is truncated there. An invalid frame anywhere else (in an earlier segment, or followed
 * by more bytes), a frame whose first index is not the log's next one, or a segment named other than
 * by its first entry, cannot be left by a crash: it is refused as damage or tampering, naming the
 * segment and offset, and nothing is changed.
 *
 * <p>Runs under the database's write lock (inside the writer's transaction), so no other writer can
 * be appending meanwhile: bytes after the tail belong to writers that died.
 */
final class Recovery {
    private final SegmentLog log;

    Recovery(SegmentLog log) {
        this.log = log;
    }

    /** Receives each durable, unapplied frame in log order. */
    @FunctionalInterface
    interface Sink {
        void frame(Frame frame, long segment, long offset, int length) throws SQLException;
    }

    /**
     * Whether frames may follow {@code tail}: the tail segment is longer, or the segment that would
     * start after it exists. Cheap (two system calls); a writer asks it before every transaction.
     */
    boolean mayHaveUnapplied(Tail tail) throws IOException {
        return log.size(tail.segment()) != tail.endOffset() || (tail.size() != tail.segment() && log.exists(tail.size()));
    }

    /**
     * Passes every durable frame after {@code tail} to {@code sink} in order; if {@code repair},
     * truncates a torn last frame (otherwise only reads).
     *
     * @return the number of frames passed
     * @throws StoreException if the segments after the tail are damaged (see the class comment)
     */
    int replay(Tail tail, boolean repair, Sink sink) throws IOException, SQLException {
        List<Long> segments = log.segments();
        long tailLength = log.size(tail.segment());
        if (tailLength < tail.endOffset()) {
            throw damaged(tail.segment(), tailLength, "the database has applied frames up to offset " + tail.endOffset()
                    + " but the segment holds only " + tailLength + " bytes (" + (log.exists(tail.segment()) ? "cut short" : "missing") + ")");
        }
        long expected = tail.size();
        int frames = 0;
        List<Long> after = segments.stream().filter(s -> s >= tail.segment()).toList();
        for (int i = 0; i < after.size(); i++) {
            long segment = after.get(i);
            boolean last = i == after.size() - 1;
            long offset = segment == tail.segment() ? tail.endOffset() : 0;
            if (segment != tail.segment() && segment != expected) {
                throw damaged(segment, 0, "the segment is named by entry " + segment + " but the log's next entry is " + expected);
            }
            long length = log.size(segment);
            while (offset < length) {
                String invalid = null;
                int declared = -1;
                byte[] frame = null;
                if (length - offset < Frame.HEADER) {
                    invalid = "a frame header cut short (" + (length - offset) + " bytes before the end of the file)";
                } else {
                    declared = Frame.declaredLength(ByteBuffer.wrap(log.read(segment, offset, Frame.HEADER)));
                    if (declared < 0) {
                        invalid = "no frame header (wrong magic or length)";
                    } else if (offset + declared > length) {
                        invalid = "a frame of " + declared + " bytes that runs past the end of the file (" + length + " bytes)";
                    } else {
                        frame = log.read(segment, offset, declared);
                        if (!Frame.crcMatches(frame)) invalid = "a frame of " + declared + " bytes whose CRC-32C does not match";
                    }
                }
                if (invalid != null) {
                    boolean torn = last && (length - offset < Frame.HEADER || (declared >= 0 && offset + declared >= length)
                            || zerosToEnd(segment, offset, length));
                    if (!torn) {
                        throw damaged(segment, offset, invalid + ", with " + (last ? "more bytes after it" : "more segments after it")
                                + "; a torn write is only ever the end of the last segment, so this is damage or tampering");
                    }
                    if (repair) log.truncate(segment, offset);
                    return frames;
                }
                Frame decoded;
                try {
                    decoded = Frame.decode(frame);
                } catch (RuntimeException e) {
                    throw damaged(segment, offset, "a frame whose CRC matches but whose contents do not parse (" + e.getMessage() + ")");
                }
                if (decoded.first != expected) {
                    throw damaged(segment, offset, "a frame of entries from " + decoded.first + " where the log's next entry is " + expected);
                }
                sink.frame(decoded, segment, offset, declared);
                frames++;
                expected += decoded.entryCount;
                offset += declared;
            }
            if (length == 0 && last && repair && segment != tail.segment()) log.truncate(segment, 0); // created, never written
        }
        return frames;
    }

    private boolean zerosToEnd(long segment, long offset, long length) {
        for (long at = offset; at < length; ) {
            int n = (int) Math.min(1 << 20, length - at);
            for (byte b : log.read(segment, at, n)) if (b != 0) return false;
            at += n;
        }
        return true;
    }

    private StoreException damaged(long segment, long offset, String what) {
        return new StoreException("the log segment " + log.path(segment) + " is damaged at offset " + offset + ": " + what
                + ". Stop the node, keep its files as evidence, and rebuild it from a vault (kalaja recover)", false);
    }
}
