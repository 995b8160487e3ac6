package org.kalaja.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.Store.IdempotencyKey;

/**
 * The reads of state rows and idempotency keys that visit many rows, each on one reader. A
 * statement sees one WAL snapshot while it steps; {@link #scan} holds one read transaction across
 * two statements so that the log size and the rows are of the same commit.
 */
final class StateReads {
    private static final String ALL_STATES = "SELECT collection, key, version, idx, deleted FROM state ORDER BY collection, key";

    private StateReads() {
    }

    static List<RecordState> list(Readers readers, String collection, String afterKey, int limit) {
        List<RecordState> page = new ArrayList<>();
        if (limit <= 0) return page;
        return readers.read("listing " + collection, r -> {
            PreparedStatement select = r.prepared("SELECT key, version, idx FROM state"
                    + " WHERE collection = ? AND key > ? AND deleted = 0 ORDER BY key LIMIT ?");
            select.setString(1, collection);
            select.setString(2, afterKey);
            select.setInt(3, limit);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) page.add(new RecordState(new RecordId(collection, rs.getString(1)), rs.getLong(2), rs.getLong(3), false));
            }
            return page;
        });
    }

    static void states(Readers readers, Store.Visitor<RecordState> visitor) {
        readers.read("reading every record's state", r -> {
            visitStates(r, visitor::visit);
            return null;
        });
    }

    /** Every state row and the log size, from one read transaction on one reader: one WAL snapshot. */
    static long scan(Readers readers, Consumer<RecordState> visitor) {
        return readers.read("scanning every record's state", r -> {
            try (Statement transaction = r.connection().createStatement()) {
                transaction.execute("BEGIN"); // deferred: the snapshot is taken by the first read and kept to COMMIT
                boolean ended = false;
                try {
                    long size = Schema.size(r.prepared(Schema.SIZE));
                    visitStates(r, visitor);
                    transaction.execute("COMMIT");
                    ended = true;
                    return size;
                } finally {
                    if (!ended) transaction.execute("ROLLBACK"); // the visitor threw: end the read, keep the reader usable
                }
            }
        });
    }

    private static void visitStates(Readers.Reader r, Consumer<RecordState> visitor) throws SQLException {
        try (ResultSet rs = r.prepared(ALL_STATES).executeQuery()) {
            while (rs.next()) {
                RecordId id = new RecordId(rs.getString(1), rs.getString(2));
                visitor.accept(new RecordState(id, rs.getLong(3), rs.getLong(4), rs.getBoolean(5)));
            }
        }
    }

    static void idempotencyKeys(Readers readers, Store.Visitor<IdempotencyKey> visitor) {
        readers.read("reading idempotency keys", r -> {
            try (ResultSet rs = r.prepared("SELECT key, idx FROM idempotency ORDER BY key").executeQuery()) {
                while (rs.next()) visitor.visit(new IdempotencyKey(rs.getString(1), rs.getLong(2)));
            }
            return null;
        });
    }
}
