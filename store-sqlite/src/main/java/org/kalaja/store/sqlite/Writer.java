package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.ReentrantLock;
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
            this.checkpointer = new Checkpointer(file, limits);
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

        /** Called after commit or rollback: the view MUST refuse further use. */
        void end();

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
                scope.end();
                if (!committed) rollback();
            }
        } finally {
            lock.unlock();
        }
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
            public void end() {
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
