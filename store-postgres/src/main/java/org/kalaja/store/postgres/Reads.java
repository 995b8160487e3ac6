package org.kalaja.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import org.kalaja.store.postgres.TreeTransaction.Binder;

/**
 * Reads outside write transactions, at READ COMMITTED (snapshots at REPEATABLE READ): point reads in autocommit, and streams that
 * fetch rows in pages through a cursor (PostgreSQL's JDBC driver only uses one when autocommit is
 * off and a fetch size is set), so a range of millions of entries never sits in memory at once.
 */
final class Reads {
    static final int FETCH_SIZE = 1_000;

    private Reads() {
    }

    static <T> Optional<T> one(PostgresStore store, String action, String sql, Binder binder, Row<T> row) {
        try (Connection c = store.connection(action); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? Optional.of(row.read(r)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw store.failures().translate(action, e);
        }
    }

    /** Visits every row; an exception thrown by {@code each} stops the visit and comes back unchanged. */
    static void stream(PostgresStore store, String action, String sql, Binder binder, Each each) {
        try (Connection c = store.connection(action)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(FETCH_SIZE);
                binder.bind(ps);
                try (ResultSet r = ps.executeQuery()) {
                    while (r.next()) each.accept(r);
                }
            } finally {
                endQuietly(c);
            }
        } catch (SQLException e) {
            throw store.failures().translate(action, e);
        }
    }

    /**
     * Runs {@code read} in one REPEATABLE READ transaction, without the write lock, after reading the
     * log size with {@code sizeSql} in it: entries and states commit together under that lock, so the
     * one snapshot sees a size and exactly the states that go with it. Writers are not held up.
     */
    static <T> T inSnapshot(PostgresStore store, String action, String sizeSql, SnapshotRead<T> read) {
        try (Connection c = store.connection(action)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ); // the pool resets it on return
            try {
                long size;
                try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sizeSql)) {
                    r.next();
                    size = r.getLong(1);
                }
                return read.run(c, size);
            } finally {
                endQuietly(c);
            }
        } catch (SQLException e) {
            throw store.failures().translate(action, e);
        }
    }

    @FunctionalInterface
    interface SnapshotRead<T> {
        T run(Connection c, long size) throws SQLException;
    }

    private static void endQuietly(Connection c) {
        try {
            c.rollback(); // read only: nothing to keep; this releases the cursor and its snapshot
        } catch (SQLException e) {
            // The connection broke; the pool discards it and the server ends the transaction.
        }
    }

    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet r) throws SQLException;
    }

    @FunctionalInterface
    interface Each {
        void accept(ResultSet r) throws SQLException;
    }
}
