package org.kalaja.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * Applies frames to the database, inside the writer's open transaction: the chunk index, state rows
 * (put, then removed), idempotency keys, blobs, and the log's tail, all in the one transaction, so the database has
 * applied a frame wholly or not at all. Used by live writes and by {@link Recovery} alike.
 */
final class FrameApplier {
    /** Where the applied log ends: {@code size} entries, the last frame ending at {@code endOffset} of {@code segment}. */
    record Tail(long size, long segment, long endOffset) {
    }

    static final String TAIL = "SELECT size, segment, end_offset FROM log_tail";
    private static final String INSERT_CHUNK = "INSERT INTO entry_chunks (first, count, segment, offset, length) VALUES (?, ?, ?, ?, ?)";
    private static final String UPSERT_STATE = "INSERT INTO state (collection, key, version, idx, deleted)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection, key) DO UPDATE SET"
            + " version = excluded.version, idx = excluded.idx, deleted = excluded.deleted";
    private static final String DELETE_STATE = "DELETE FROM state WHERE collection = ? AND key = ?";
    private static final String INSERT_KEY = "INSERT INTO idempotency (key, idx) VALUES (?, ?)";
    /** Replaying a frame whose writer died before it could apply it: a key it repeats is kept, not refused. */
    private static final String REPLAY_KEY = "INSERT OR IGNORE INTO idempotency (key, idx) VALUES (?, ?)";
    private static final String INSERT_BLOB = "INSERT OR IGNORE INTO blobs (sha256, content) VALUES (?, ?)";
    private static final String SET_TAIL = "UPDATE log_tail SET size = ?, segment = ?, end_offset = ?";
    /** What a state, key or index row costs in the WAL, roughly (a key, a few integers, B-tree overhead). */
    private static final int ROW_ESTIMATE = 64;

    private final Writer writer;

    FrameApplier(Writer writer) {
        this.writer = writer;
    }

    Tail tail() throws SQLException {
        try (ResultSet rs = writer.prepared(TAIL).executeQuery()) {
            if (!rs.next()) throw new SQLException("the log_tail table of " + writer.file() + " has no row");
            return new Tail(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * Applies {@code frame}, written at {@code offset} of {@code segment} with {@code length} bytes.
     *
     * @param replay whether the frame is replayed from the log (then a repeated idempotency key is
     *               ignored rather than failing the transaction)
     * @return about how many bytes the database wrote, for the checkpointer
     */
    long apply(Frame frame, long segment, long offset, int length, boolean replay) throws SQLException {
        long written = 0;
        PreparedStatement chunks = writer.prepared(INSERT_CHUNK);
        try {
            for (Frame.Chunk c : frame.chunks) {
                chunks.setLong(1, c.first());
                chunks.setInt(2, c.count());
                chunks.setLong(3, segment);
                chunks.setLong(4, offset + c.offset());
                chunks.setInt(5, c.length());
                chunks.addBatch();
            }
            if (!frame.chunks.isEmpty()) chunks.executeBatch();
            written += (long) frame.chunks.size() * ROW_ESTIMATE;
        } finally {
            chunks.clearBatch();
        }
        PreparedStatement states = writer.prepared(UPSERT_STATE);
        try {
            for (RecordState s : frame.states) {
                states.setString(1, s.id().collection());
                states.setString(2, s.id().key());
                states.setLong(3, s.version());
                states.setLong(4, s.index());
                states.setInt(5, s.deleted() ? 1 : 0);
                states.addBatch();
            }
            if (!frame.states.isEmpty()) states.executeBatch();
            written += (long) frame.states.size() * ROW_ESTIMATE;
        } finally {
            states.clearBatch();
        }
        if (!frame.removed.isEmpty()) {
            PreparedStatement delete = writer.prepared(DELETE_STATE);
            try {
                for (RecordId id : frame.removed) {
                    delete.setString(1, id.collection());
                    delete.setString(2, id.key());
                    delete.addBatch();
                }
                delete.executeBatch();
                written += (long) frame.removed.size() * ROW_ESTIMATE;
            } finally {
                delete.clearBatch();
            }
        }
        PreparedStatement keys = writer.prepared(replay ? REPLAY_KEY : INSERT_KEY);
        try {
            for (Frame.Key k : frame.keys) {
                keys.setString(1, k.key());
                keys.setLong(2, k.index());
                keys.addBatch();
            }
            if (!frame.keys.isEmpty()) keys.executeBatch();
            written += (long) frame.keys.size() * ROW_ESTIMATE;
        } finally {
            keys.clearBatch();
        }
        for (Frame.Blob b : frame.blobs) {
            PreparedStatement blob = writer.prepared(INSERT_BLOB);
            blob.setBytes(1, b.sha256());
            blob.setBytes(2, b.content());
            blob.executeUpdate();
            written += b.content().length;
        }
        PreparedStatement tail = writer.prepared(SET_TAIL);
        tail.setLong(1, frame.first + frame.entryCount);
        tail.setLong(2, segment);
        tail.setLong(3, offset + length);
        tail.executeUpdate();
        return written;
    }
}
