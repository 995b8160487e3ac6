package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.kalaja.engine.spi.StoreException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The database file's layout and how connections to it are opened.
 *
 * <p>Layout (schema version {@value #VERSION}, kept in {@code PRAGMA user_version}; the file is marked
 * as Kalaja's by {@code PRAGMA application_id} = {@value #APPLICATION_ID}, "KLJA"):
 * <pre>
 * log_tail     (id = 0, size, segment, end_offset)                    one row: the log's applied size and where
 *                                                                     its last applied frame ends ({@link FrameApplier})
 * entry_chunks (first INTEGER PRIMARY KEY, count, segment, offset, length)
 *                                                                     the sparse entry index: entries first ..
 *                                                                     first+count-1 are the length bytes at offset of
 *                                                                     the segment file (format: {@link EntryChunks})
 * state       ((collection, key) PRIMARY KEY, version, idx, deleted)   WITHOUT ROWID, points into the log
 * idempotency (key PRIMARY KEY, idx)                                    WITHOUT ROWID
 * blobs       (sha256 BLOB PRIMARY KEY, content BLOB)
 * tiles       ((level, idx) PRIMARY KEY, hashes BLOB)                   a tile's bytes only ever grow
 * checkpoints (size INTEGER PRIMARY KEY, note TEXT)
 * meta        (name PRIMARY KEY, value TEXT)                            WITHOUT ROWID
 * </pre>
 * The entries themselves are in the segment files ({@link SegmentLog}), one {@link Frame} per write
 * transaction, which also holds the transaction's state rows, idempotency keys and blobs. Names
 * compare with SQLite's BINARY collation: byte order of their UTF-8 encoding.
 *
 * <p>Crash guarantees: WAL journal. A write is durable when its frame is fsync'd in a segment; its
 * database transaction then commits with {@code synchronous=NORMAL}, which a power loss may undo,
 * and {@link Recovery} re-applies from the log what was undone. Integrations and meta updates are
 * not in the log: they commit with {@code synchronous=FULL} (which also makes every earlier commit
 * durable, the WAL being sequential). After a crash SQLite replays committed transactions from the
 * WAL and drops uncommitted ones, so every transaction is kept whole or not at all.
 */
final class Schema {
    /**
     * 3: entries in segment files beside the database. 2 (entries packed several to a database row)
     * and 1 (one entry per row) were never deployed.
     */
    static final int VERSION = 3;
    /** The log's applied size. */
    static final String SIZE = "SELECT size FROM log_tail";
    static final int APPLICATION_ID = 0x4B4C4A41;

    /** 4 KiB pages hold three 1 KiB entries each, inline (no overflow pages). */
    private static final int PAGE_SIZE = 4096;
    static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private static final List<String> TABLES = List.of(
            "CREATE TABLE log_tail (id INTEGER PRIMARY KEY CHECK (id = 0), size INTEGER NOT NULL,"
                    + " segment INTEGER NOT NULL, end_offset INTEGER NOT NULL)",
            "INSERT INTO log_tail (id, size, segment, end_offset) VALUES (0, 0, 0, 0)",
            "CREATE TABLE entry_chunks (first INTEGER PRIMARY KEY, count INTEGER NOT NULL, segment INTEGER NOT NULL,"
                    + " offset INTEGER NOT NULL, length INTEGER NOT NULL)",
            "CREATE TABLE state (collection TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL,"
                    + " idx INTEGER NOT NULL, deleted INTEGER NOT NULL, PRIMARY KEY (collection, key)) WITHOUT ROWID",
            "CREATE TABLE idempotency (key TEXT NOT NULL PRIMARY KEY, idx INTEGER NOT NULL) WITHOUT ROWID",
            "CREATE TABLE blobs (sha256 BLOB NOT NULL PRIMARY KEY, content BLOB NOT NULL)",
            "CREATE TABLE tiles (level INTEGER NOT NULL, idx INTEGER NOT NULL, hashes BLOB NOT NULL, PRIMARY KEY (level, idx))",
            "CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL)",
            "CREATE TABLE meta (name TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID");

    private Schema() {
    }

    /** The writer: creates the file if absent; WAL, a large page cache; the writer sets each commit's durability. */
    static Connection openWriter(Path file) throws SQLException {
        SQLiteConfig config = common();
        config.setPageSize(PAGE_SIZE); // applies only to a new file
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setCacheSize(-64 * 1024); // KiB: 64 MiB
        config.setTempStore(SQLiteConfig.TempStore.MEMORY);
        return checkpointedByHand(config.createConnection("jdbc:sqlite:" + file));
    }

    /** The checkpointer's connection to an existing store: reads the WAL, writes the database file. */
    static Connection openCheckpointer(Path file) throws SQLException {
        SQLiteConfig config = common();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setCacheSize(-2 * 1024); // it copies pages; it needs no cache of its own
        return checkpointedByHand(config.createConnection("jdbc:sqlite:" + file));
    }

    /**
     * The Checkpointer copies the WAL into the database on its own thread, and the writer helps
     * when the WAL passes its limit, so no commit pays for a checkpoint; after a restart the WAL
     * file is cut back to 64 MB.
     */
    private static Connection checkpointedByHand(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0");
            s.execute("PRAGMA journal_size_limit = 67108864");
        }
        return c;
    }

    /** Runs {@link #SIZE}. */
    static long size(PreparedStatement select) throws SQLException {
        try (ResultSet rs = select.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** A reader: never creates the file, cannot write; in WAL mode it never blocks the writer. */
    static Connection openReader(Path file) throws SQLException {
        return readOnly(-16 * 1024).createConnection("jdbc:sqlite:" + file);
    }

    /**
     * A reader of a file that no process has open: SQLite is told the file cannot change
     * ({@code immutable=1}), so it takes no locks and creates no {@code -wal} or {@code -shm} file.
     * Only correct when there is no {@code -wal} file, i.e. the last writer closed cleanly.
     */
    static Connection openImmutableReader(Path file) throws SQLException {
        return readOnly(-16 * 1024).createConnection("jdbc:sqlite:" + file.toUri() + "?immutable=1");
    }

    private static SQLiteConfig readOnly(int cacheKiB) {
        SQLiteConfig config = common();
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.resetOpenMode(SQLiteOpenMode.READWRITE);
        config.setOpenMode(SQLiteOpenMode.OPEN_URI);
        config.setCacheSize(cacheKiB);
        return config;
    }

    private static SQLiteConfig common() {
        SQLiteConfig config = new SQLiteConfig();
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        config.setOpenMode(SQLiteOpenMode.NOMUTEX); // each connection is used by one thread at a time
        return config;
    }

    /** Creates the tables in an empty database, or checks that an existing one is a store this code can use. */
    static void createOrCheck(Connection writer, Path file) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            boolean done = false;
            try {
                if (isEmpty(s)) {
                    for (String table : TABLES) s.execute(table);
                    s.execute("PRAGMA application_id = " + APPLICATION_ID);
                    s.execute("PRAGMA user_version = " + VERSION);
                } else {
                    check(writer, file);
                }
                s.execute("COMMIT");
                done = true;
            } finally {
                if (!done) s.execute("ROLLBACK");
            }
        }
    }

    /** Refuses a file that is not a Kalaja store or that a newer Kalaja wrote. */
    static void check(Connection connection, Path file) throws SQLException {
        int applicationId;
        int version;
        try (Statement s = connection.createStatement()) {
            applicationId = intPragma(s, "application_id");
            version = intPragma(s, "user_version");
        }
        if (applicationId != APPLICATION_ID) {
            throw new StoreException(file + " is a SQLite database but not a Kalaja store (application_id "
                    + applicationId + ", expected " + APPLICATION_ID + "): check the path", false);
        }
        if (version > VERSION) {
            throw new StoreException(file + " has store schema version " + version + ", written by a newer Kalaja;"
                    + " this one knows versions up to " + VERSION + ": run the newer Kalaja (downgrading is not supported)", false);
        }
        if (version == 1 || version == 2) {
            throw new StoreException(file + " has store schema version " + version + " (entries inside the database"
                    + (version == 1 ? ", one per row" : ", several per row") + "), from a development build of Kalaja;"
                    + " this one reads version " + VERSION + " only: move it away and rebuild the store"
                    + " from a vault (kalaja recover)", false);
        }
        if (version < 1) {
            throw new StoreException(file + " is marked as a Kalaja store but has no schema version: it was not"
                    + " created completely; move it away and rebuild the store from a vault (kalaja recover)", false);
        }
    }

    static boolean isEmpty(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
            return rs.next() && rs.getInt(1) == 0;
        }
    }

    private static int intPragma(Statement s, String name) throws SQLException {
        try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
