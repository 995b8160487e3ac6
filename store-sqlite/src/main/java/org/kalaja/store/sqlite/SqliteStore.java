package org.kalaja.store.sqlite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;

/**
 * The embedded store: an append-only log of segment files holding the entries, beside one SQLite
 * database file holding the state derived from them, the integrated tree's tiles and checkpoints,
 * and an index into the segments. In short: a {@link #write} appends one frame to the log and fsyncs
 * it (the commit point), then applies it to the database; a write that returned is on disk, a
 * transaction is kept whole or not at all, readers never block the writer and only see applied
 * frames. The layouts and crash guarantees are described in {@code SegmentLog}, {@code Frame},
 * {@code Schema} and {@code Recovery}.
 *
 * <p>Several processes MAY open the same file; SQLite's write lock serializes their writes, and with
 * them their appends to the log. The files MUST be on a local disk (SQLite's locks are unreliable
 * on network file systems).
 */
public final class SqliteStore implements Store {
    /** How long a read-only open waits for a running writer to apply a frame it sees in the log. */
    private static final long LIVE_WRITER_WAIT_MILLIS = 2_000;

    private final Path file;
    private final @Nullable Writer writer;
    private final @Nullable SqliteWrite write;
    private final SegmentLog log;
    private final Readers readers;

    private SqliteStore(Path file, @Nullable Writer writer, SegmentLog log, boolean immutable) {
        this.file = file;
        this.writer = writer;
        this.log = log;
        this.write = writer == null ? null : new SqliteWrite(writer, log);
        this.readers = new Readers(file, immutable);
    }

    /**
     * Opens the store in {@code databaseFile} for reading and writing, creating the file, its tables
     * and its log directory ({@code <databaseFile>.log}) if absent, and applies to the database what
     * the log holds beyond it (after a crash; see {@code Recovery}). The directory of
     * {@code databaseFile} MUST exist (it is not created, so that an unmounted data disk is noticed).
     *
     * @throws StoreException if the file is not a Kalaja store, was written by a newer Kalaja, is
     *                        corrupted, its log is damaged other than by a torn last write, or it
     *                        cannot be opened
     */
    public static SqliteStore open(Path databaseFile) {
        return open(databaseFile, Checkpointer.Limits.DEFAULT, SegmentLog.DEFAULT_SEGMENT_BYTES);
    }

    /** {@link #open(Path)} with the WAL checkpointed at other sizes; for tests. */
    static SqliteStore open(Path databaseFile, Checkpointer.Limits walLimits) {
        return open(databaseFile, walLimits, SegmentLog.DEFAULT_SEGMENT_BYTES);
    }

    /** {@link #open(Path)} with segments closed at another size; for tests. */
    static SqliteStore open(Path databaseFile, Checkpointer.Limits walLimits, long segmentBytes) {
        Path file = databaseFile.toAbsolutePath();
        Path directory = file.getParent();
        if (directory != null && !Files.isDirectory(directory)) {
            throw new StoreException("cannot create the store " + file + ": the directory " + directory
                    + " does not exist; create it or check that the data disk is mounted", false);
        }
        Writer writer = new Writer(file, walLimits);
        SegmentLog log;
        try {
            log = new SegmentLog(file, true, segmentBytes);
        } catch (RuntimeException e) {
            writer.close();
            throw e;
        }
        SqliteStore store = new SqliteStore(file, writer, log, false);
        try {
            store.write.recoverOnNextOpen();
            writer.transact("replaying the log into the database", store.write, tx -> null);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    /**
     * Opens an existing store for reading only, e.g. to verify a stopped node: every write fails with
     * a {@link StoreException}, and the store's files are not changed.
     *
     * <p>After a clean shutdown (no {@code -wal} file beside the database) nothing is created either:
     * the file is read as immutable, without locks, so it MUST NOT be written while this store is
     * open. If a {@code -wal} file is present (the node is running, or crashed), its committed
     * transactions are part of the store and are read too; SQLite then needs its shared-memory index
     * ({@code -shm}) and creates that file if it is missing.
     *
     * <p>If the log holds whole frames the database has not applied and no running writer applies
     * them within a moment, the node stopped between a write's fsync and its commit, or lost commits
     * in a power failure; some of those writes may have been acknowledged. This store cannot replay
     * them without writing, so it refuses: start the node once ({@code kalaja serve}), which replays
     * its log, then open it read-only again. A torn last frame alone (never acknowledged) is ignored.
     *
     * @throws StoreException if there is no store at {@code databaseFile}, it is not a Kalaja store
     *                        this version can read, or its log holds unapplied frames
     */
    public static SqliteStore openReadOnly(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new StoreException("there is no store at " + file + ": check the path", false);
        }
        boolean writerGone = !Files.exists(file.resolveSibling(file.getFileName() + "-wal"));
        SqliteStore store = new SqliteStore(file, null, new SegmentLog(file, false, SegmentLog.DEFAULT_SEGMENT_BYTES), writerGone);
        try {
            store.readers.read("checking the store's schema", r -> {
                Schema.check(r.connection(), file);
                return null;
            });
            store.refuseUnappliedFrames();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void refuseUnappliedFrames() {
        FrameApplier.Tail seen = tail();
        Recovery recovery = new Recovery(log);
        int frames;
        try {
            if (!recovery.mayHaveUnapplied(seen)) return;
            frames = recovery.replay(seen, false, (f, segment, offset, length) -> { });
        } catch (IOException | SQLException e) {
            throw new StoreException("cannot read the log at " + log.directory() + ": " + e, false, e);
        }
        if (frames == 0) return;
        long deadline = System.nanoTime() + LIVE_WRITER_WAIT_MILLIS * 1_000_000;
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (!tail().equals(seen)) return; // a running writer applies its frames: the database is current
        }
        throw new StoreException("the node stopped uncleanly: its log " + log.directory() + " holds " + frames
                + " frame(s) after entry " + (seen.size() - 1) + " that the database " + file + " has not applied;"
                + " start it once (kalaja serve) so it replays its log, then verify", false);
    }

    private FrameApplier.Tail tail() {
        return readers.read("reading the log's tail", r -> {
            try (ResultSet rs = r.prepared(FrameApplier.TAIL).executeQuery()) {
                if (!rs.next()) throw new StoreException("the log_tail table of " + file + " has no row: the store is damaged;"
                        + " rebuild it from a vault (kalaja recover)", false);
                return new FrameApplier.Tail(rs.getLong(1), rs.getLong(2), rs.getLong(3));
            }
        });
    }

    @Override
    public String describe() {
        return "sqlite:" + file + (writer == null ? " (read-only)" : "");
    }

    @Override
    public <T> T write(Work<WriteTransaction, T> work) {
        Writer w = writable("write to the log");
        return w.transact("writing to the log", write, work);
    }

    @Override
    public <T> T integrate(Work<IntegrationTransaction, T> work) {
        Writer w = writable("integrate the tree");
        return w.transact("integrating the tree", new SqliteIntegration(w), work);
    }

    @Override
    public void putMeta(String name, String value) {
        Writer w = writable("set meta " + name);
        w.update("setting meta " + name, s -> {
            PreparedStatement upsert = s.get("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)");
            upsert.setString(1, name);
            upsert.setString(2, value);
            upsert.executeUpdate();
        });
    }

    private Writer writable(String what) {
        if (writer == null) {
            throw new StoreException("cannot " + what + ": the store " + file
                    + " was opened read-only (for verifying a stopped node); open it with SqliteStore.open to write", false);
        }
        return writer;
    }

    @Override
    public long size() {
        return readers.read("reading the log's size", r -> Schema.size(r.prepared(Schema.SIZE)));
    }

    /** From a reader in one read transaction (one WAL snapshot), so it never waits for the writer. */
    @Override
    public Snapshot snapshot(Collection<RecordId> ids, Collection<String> keys) {
        return readers.read("reading states for the next group commit", r -> BatchLookups.snapshot(r, ids, keys));
    }

    @Override
    public Optional<StoredEntry> entry(long index) {
        if (index < 0) return Optional.empty();
        return readers.read("reading entry " + index, r -> {
            PreparedStatement select = r.prepared("SELECT first, count, segment, offset, length FROM entry_chunks"
                    + " WHERE first <= ? ORDER BY first DESC LIMIT 1");
            select.setLong(1, index);
            StoredEntry[] found = {null};
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next() && index < rs.getLong(1) + rs.getInt(2)) slice(rs, index, index + 1, e -> {
                    found[0] = e;
                    return false;
                });
            }
            return Optional.ofNullable(found[0]);
        });
    }

    @Override
    public void entries(long from, long to, Visitor<StoredEntry> visitor) {
        if (from >= to) return;
        readers.read("reading entries [" + from + ", " + to + ")", r -> {
            // Starts at the chunk holding entry `from`, which may begin before it.
            PreparedStatement select = r.prepared("SELECT first, count, segment, offset, length FROM entry_chunks WHERE first >= coalesce("
                    + "(SELECT first FROM entry_chunks WHERE first <= ?1 ORDER BY first DESC LIMIT 1), 0) AND first < ?2 ORDER BY first");
            select.setLong(1, from);
            select.setLong(2, to);
            try (ResultSet rs = select.executeQuery()) { // steps chunk by chunk: one snapshot, bounded memory
                while (rs.next()) slice(rs, from, to, e -> {
                    visitor.visit(e);
                    return true;
                });
            }
            return null;
        });
    }

    /** Reads the chunk of the current row of {@code rs} (first, count, segment, offset, length) from its segment. */
    private boolean slice(ResultSet rs, long from, long to, EntryChunks.Sink sink) throws SQLException {
        long first = rs.getLong(1);
        int count = rs.getInt(2);
        byte[] body = log.read(rs.getLong(3), rs.getLong(4), rs.getInt(5));
        return EntryChunks.slice(first, count, body, from, to, sink);
    }

    @Override
    public Optional<RecordState> state(RecordId id) {
        return readers.read("reading the state of " + id, r -> {
            PreparedStatement select = r.prepared("SELECT version, idx, deleted FROM state WHERE collection = ? AND key = ?");
            select.setString(1, id.collection());
            select.setString(2, id.key());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(new RecordState(id, rs.getLong(1), rs.getLong(2), rs.getBoolean(3))) : Optional.empty();
            }
        });
    }

    @Override
    public List<RecordState> list(String collection, String afterKey, int limit) {
        return StateReads.list(readers, collection, afterKey, limit);
    }

    @Override
    public void states(Visitor<RecordState> visitor) {
        StateReads.states(readers, visitor);
    }

    /** On one reader in one read transaction; the writer keeps committing meanwhile. */
    @Override
    public long scanStates(Consumer<RecordState> visitor) {
        return StateReads.scan(readers, visitor);
    }

    /**
     * The writer connection's {@code PRAGMA data_version} (see {@code Writer.dataVersion}): moves when
     * another process commits to the database file, never for this store's own commits, reads or
     * checkpoints. Empty for a read-only store, which has no writer of its own to compare with.
     */
    @Override
    public OptionalLong foreignWriteMarker() {
        return writer == null ? OptionalLong.empty() : OptionalLong.of(writer.dataVersion());
    }

    @Override
    public void idempotencyKeys(Visitor<IdempotencyKey> visitor) {
        StateReads.idempotencyKeys(readers, visitor);
    }

    @Override
    public Optional<byte[]> blob(byte[] sha256) {
        return readers.read("reading a blob", r -> {
            PreparedStatement select = r.prepared("SELECT content FROM blobs WHERE sha256 = ?");
            select.setBytes(1, sha256);
            return optionalBytes(select);
        });
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        return readers.read("reading tile " + level + "/" + index, r -> {
            PreparedStatement select = r.prepared("SELECT hashes FROM tiles WHERE level = ? AND idx = ?");
            select.setInt(1, level);
            select.setLong(2, index);
            return optionalBytes(select);
        });
    }

    @Override
    public Optional<String> latestCheckpoint() {
        return readers.read("reading the latest checkpoint", r ->
                optionalString(r.prepared("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1")));
    }

    @Override
    public Optional<String> checkpoint(long size) {
        return readers.read("reading the checkpoint for size " + size, r -> {
            PreparedStatement select = r.prepared("SELECT note FROM checkpoints WHERE size = ?");
            select.setLong(1, size);
            return optionalString(select);
        });
    }

    @Override
    public Optional<String> meta(String name) {
        return readers.read("reading meta " + name, r -> {
            PreparedStatement select = r.prepared("SELECT value FROM meta WHERE name = ?");
            select.setString(1, name);
            return optionalString(select);
        });
    }

    private static Optional<byte[]> optionalBytes(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
        }
    }

    private static Optional<String> optionalString(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /**
     * For tests: runs {@code work} as a write that appends and fsyncs its frame, then fails as a
     * process killed before applying it would: the frame stays in the log, the database has not
     * seen it, and the write throws.
     */
    <T> T writeWithoutApplying(Work<WriteTransaction, T> work) {
        Writer w = writable("write to the log");
        write.stopAfterFrame();
        return w.transact("writing to the log", write, work);
    }

    /** Runs one SQL statement on the writer connection, outside any transaction; for tests (e.g. page limits). */
    void executeOnWriter(String sql) {
        writable("run " + sql).execute(sql);
    }

    /**
     * Stops the checkpointer and closes every connection; the last one to close checkpoints the WAL
     * into the database file.
     * Waits for a write in progress to finish.
     */
    @Override
    public void close() {
        readers.close();
        if (writer != null) writer.close();
        if (write != null) write.close();
        log.close();
    }
}
