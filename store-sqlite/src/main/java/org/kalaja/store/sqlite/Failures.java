package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.SQLException;
import org.kalaja.engine.spi.StoreException;

/**
 * Turns SQLite's result codes into {@link StoreException}s an operator can act on: what happened,
 * to which file, what to do, and whether anything was written.
 */
final class Failures {
    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_NOMEM = 7;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_CONSTRAINT = 19;
    private static final int SQLITE_NOTADB = 26;

    private Failures() {
    }

    /**
     * @param doing   what the store was doing, e.g. "appending entries"
     * @param writing whether this was a write (then the message says nothing was kept)
     */
    static StoreException translate(SQLException e, Path file, String doing, boolean writing) {
        String kept = writing ? "; nothing was written" : "";
        String sqlite = " [" + e.getMessage() + "]";
        int code = e.getErrorCode();
        String name = e instanceof org.sqlite.SQLiteException s ? s.getResultCode().name() : "SQLite error " + code;
        return switch (code & 0xff) {
            case SQLITE_FULL -> new StoreException("the store's disk is full (" + name + ") at " + file
                    + " while " + doing + ": free space" + kept + sqlite, true, e);
            case SQLITE_BUSY, SQLITE_LOCKED -> new StoreException("the store at " + file + " is busy (" + name
                    + "): another connection or process holds its lock while " + doing + "; try again" + kept + sqlite, true, e);
            case SQLITE_IOERR -> new StoreException("I/O error (" + name + ") on " + file + " while " + doing
                    + ": check the disk and its file system" + kept + sqlite, true, e);
            case SQLITE_NOMEM -> new StoreException("SQLite ran out of memory while " + doing + " on " + file + kept + sqlite, true, e);
            case SQLITE_CORRUPT, SQLITE_NOTADB -> new StoreException("the store's file " + file
                    + " is corrupted or not a SQLite database (" + name + ") while " + doing
                    + ": stop the node, keep the file as evidence and rebuild it from a vault (kalaja recover)" + kept + sqlite, false, e);
            case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN -> new StoreException("cannot open or write " + file
                    + " (" + name + ") while " + doing + ": check that it exists, its permissions, and that its disk is mounted read-write"
                    + kept + sqlite, false, e);
            case SQLITE_CONSTRAINT -> new StoreException("the store refused a row (" + name + ") while " + doing + " in "
                    + file + ": the caller broke the store contract (e.g. reused an idempotency key)" + kept + sqlite, false, e);
            default -> new StoreException(doing + " failed on " + file + " (" + name + ")" + kept + sqlite, false, e);
        };
    }
}
