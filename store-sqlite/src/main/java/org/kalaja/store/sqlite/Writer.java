package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.Store.Work;
import org.kalaja.engine.spi.StoreException;

/**
 * The one connection that writes. SQLite has a single writer per database, so every write,
 * integration and meta update goes through here, one at a time, each in {@code BEGIN IMMEDIATE}: the
 * database's write lock is taken at the start, which also excludes writers in other processes.
 */
final class Writer implements AutoCloseable {
    private final Path file;
    private final Connection connection;
    private final Statement plain;
    private final Statements statements;
    private final Checkpointer checkpointer;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;
    private String synchronous = "FULL";
    private @Nullable String poisoned;

    Writer(Path file, Checkpointer.Limits limits) {
        this.file = file;
        try {
            this.connection = Schema.openWriter(file);
        } catch (SQLException e) {
            throw Failures.translate(e, file, "opening the store for writing", false);
        }
        try {
            this.plain = connection.createStatement();
            this.statements = new Statements(connection);
            Schema.createOrCheck(connection, file);
            this.checkpointer = new Checkpointer(file, limits, this::truncateWhenIdle);
        } catch (SQLException | RuntimeException e) {
            closeQuietly();
            throw e instanceof SQLException s ? Failures.translate(s, file, "opening the store", false) : (RuntimeException) e;
        }
    }

    Path file() {
        return file;
    }

    /** The statement for {@code sql}, prepared once for this connection. Only under the lock. */
    PreparedStatement prepared(String sql) throws SQLException {
        return statements.get(sql);
    }

    /** A view of the store inside a transaction: made when it begins, told when it ends. */
    interface Scope<X> {
        X open() throws SQLException;

        /** Writes what was deferred; called just before {@code COMMIT}. */
        void flush() throws SQLException;

        /**
         * Called after commit or before rollback, still holding the write lock: the view MUST refuse
         * further use, and undo outside the database what an uncommitted transaction did.
         */
        void end(boolean committed);

        /**
         * Whether the commit MUST be durable by the database's own fsync ({@code synchronous=FULL});
         * otherwise the scope made its changes durable itself (a write's frame in the log) and the
         * commit runs with {@code synchronous=NORMAL}.
         */
        default boolean syncsDatabase() {
            return true;
        }

        /** About how many bytes the transaction wrote, for the checkpointer; asked after commit. */
        default long writtenBytes() {
            return 0;
        }
    }

    /**
     * Runs {@code work} in one {@code BEGIN IMMEDIATE} transaction and commits it durably; on any
     * failure rolls back and rethrows: the work's own exceptions unchanged, SQLite's translated.
     */
    <X, T> T transact(String doing, Scope<X> scope, Work<X, T> work) {
        if (lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("store transactions cannot be nested: " + doing
                    + " was called inside another write, integrate or putMeta of " + file);
        }
        lock.lock();
        try {
            if (closed) throw new StoreException("the store at " + file + " is closed", false);
            if (poisoned != null) throw new StoreException("the store at " + file + " refuses writes: " + poisoned, false);
            synchronous(scope.syncsDatabase() ? "FULL" : "NORMAL", doing);
            begin(doing);
            boolean committed = false;
            try {
                T result = work.run(scope.open());
                scope.flush();
                plain.execute("COMMIT");
                committed = true;
                checkpointer.committed(scope.writtenBytes());
                if (checkpointer.mustRestart()) restartWal();
                return result;
            } catch (SQLException e) {
                throw Failures.translate(e, file, doing, true);
            } finally {
                try {
                    scope.end(committed);
                } finally {
                    if (!committed) rollback();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sets the durability of the next commits; SQLite only allows it outside a transaction. */
    private void synchronous(String mode, String doing) {
        if (mode.equals(synchronous)) return;
        try {
            plain.execute("PRAGMA synchronous = " + mode);
            synchronous = mode;
        } catch (SQLException e) {
            throw Failures.translate(e, file, doing + " (setting synchronous=" + mode + ")", true);
        }
    }

    /** After a failure that leaves the outcome of a write unknown: every later write is refused. */
    void poison(String why) {
        poisoned = why;
    }

    void checkNotPoisoned() {
        if (poisoned != null) throw new StoreException("the store at " + file + " refuses writes: " + poisoned, false);
    }

    private void begin(String doing) {
        try {
            plain.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw Failures.translate(e, file, doing + " (taking the write lock)", true);
        }
    }

    /** The work is committed: a failed checkpoint must not fail it, and loses nothing (the WAL keeps every frame). */
    private void restartWal() {
        try {
            checkpointer.restart(plain);
        } catch (SQLException e) {
            // Tried again after more commits.
        }
    }

    private void rollback() {
        try {
            plain.execute("ROLLBACK");
        } catch (SQLException alreadyRolledBack) {
            // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR); nothing is left to undo.
        }
    }

    /** A change made with the writer's statements. */
    @FunctionalInterface
    interface Update {
        void run(Statements statements) throws SQLException;
    }

    /** Runs {@code update} in its own durable transaction. */
    void update(String doing, Update update) {
        transact(doing, new Scope<Statements>() {
            @Override
            public Statements open() {
                return statements;
            }

            @Override
            public void flush() {
            }

            @Override
            public void end(boolean committed) {
            }
        }, s -> {
            try {
                update.run(s);
                return null;
            } catch (SQLException e) {
                throw Failures.translate(e, file, doing, true);
            }
        });
    }

    /**
     * {@code PRAGMA data_version} of this connection: it changes when another connection commits
     * to the database and never for this connection's own commits. No other connection of this
     * store commits (readers only read; the checkpointer's PASSIVE checkpoints leave the WAL header
     * alone; the idle TRUNCATE runs here, see {@link #truncateWhenIdle}), so it changes only when
     * another process commits. Waits for a write in progress.
     */
    long dataVersion() {
        lock.lock();
        try {
            if (closed) throw new StoreException("the store at " + file + " is closed", false);
            try (ResultSet rs = plain.executeQuery("PRAGMA data_version")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw Failures.translate(e, file, "reading the database's data_version", false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The checkpointer's TRUNCATE when the store is idle, on this connection so that it does not move
     * {@link #dataVersion}. Skipped while a write holds the lock (the store is not idle then); waits
     * for readers no longer than the checkpointer would.
     */
    private boolean truncateWhenIdle() throws SQLException {
        if (!lock.tryLock()) return false;
        try {
            if (closed) return false;
            plain.execute("PRAGMA busy_timeout = " + Checkpointer.IDLE_BUSY_MILLIS);
            try {
                return checkpointer.checkpoint(plain, "TRUNCATE");
            } finally {
                plain.execute("PRAGMA busy_timeout = " + Schema.BUSY_TIMEOUT_MILLIS);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs one SQL statement with the connection under the lock; for tests of limits. */
    void execute(String sql) {
        lock.lock();
        try {
            plain.execute(sql);
        } catch (SQLException e) {
            throw Failures.translate(e, file, "running " + sql, true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            checkpointer.close();
            closeQuietly();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        try {
            connection.close(); // closes its statements; the last connection checkpoints and removes the WAL
        } catch (SQLException e) {
            // Everything committed is durable already; a failure to close loses nothing.
        }
    }
}
