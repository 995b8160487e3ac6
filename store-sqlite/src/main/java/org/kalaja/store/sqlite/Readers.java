package org.kalaja.store.sqlite;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.kalaja.engine.spi.StoreException;

/**
 * Read-only connections, each used by one thread at a time. In WAL mode a reader sees the last
 * transaction committed when its statement started, whole, and never blocks the writer.
 *
 * <p>A reader is borrowed for one operation and returned; when none is idle a new one opens, so a
 * visitor that reads again while streaming never waits. At most {@value #MAX_IDLE} stay open idle.
 */
final class Readers implements AutoCloseable {
    private static final int MAX_IDLE = 4;

    private final Path file;
    private final boolean immutable;
    private final ConcurrentLinkedQueue<Reader> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    /** @param immutable whether no process has the file open (see {@link Schema#openImmutableReader}) */
    Readers(Path file, boolean immutable) {
        this.file = file;
        this.immutable = immutable;
    }

    @FunctionalInterface
    interface Read<T> {
        T run(Reader reader) throws SQLException;
    }

    /** Runs {@code read} with a reader; SQLite's errors become {@link StoreException}s naming {@code doing}. */
    <T> T read(String doing, Read<T> read) {
        Reader reader = borrow(doing);
        boolean healthy = false;
        try {
            T result = read.run(reader);
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw Failures.translate(e, file, doing, false);
        } finally {
            giveBack(reader, healthy);
        }
    }

    private Reader borrow(String doing) {
        if (closed) throw new StoreException("the store at " + file + " is closed", false);
        Reader reader = idle.poll();
        if (reader != null) {
            idleCount.decrementAndGet();
            return reader;
        }
        try {
            return new Reader(immutable ? Schema.openImmutableReader(file) : Schema.openReader(file));
        } catch (SQLException e) {
            throw Failures.translate(e, file, doing + " (opening a reader)", false);
        }
    }

    /** A reader whose read threw may hold an open statement; it is closed rather than reused. */
    private void giveBack(Reader reader, boolean healthy) {
        if (healthy && !closed) {
            if (idleCount.incrementAndGet() <= MAX_IDLE) {
                idle.offer(reader);
                if (closed && idle.remove(reader)) reader.close(); // close() ran meanwhile
                return;
            }
            idleCount.decrementAndGet();
        }
        reader.close();
    }

    @Override
    public void close() {
        closed = true;
        for (Reader r; (r = idle.poll()) != null; ) r.close();
    }

    /** One read-only connection and the statements prepared on it. */
    static final class Reader {
        private final Connection connection;
        private final Statements statements;

        Reader(Connection connection) {
            this.connection = connection;
            this.statements = new Statements(connection);
        }

        PreparedStatement prepared(String sql) throws SQLException {
            return statements.get(sql);
        }

        Connection connection() {
            return connection;
        }

        void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                // A reader holds nothing that could be lost.
            }
        }
    }
}
