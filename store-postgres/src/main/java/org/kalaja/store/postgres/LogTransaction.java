package org.kalaja.store.postgres;

import java.io.DataOutputStream;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.WriteTransaction;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * A write transaction holding the log's write lock. Reads go to the database (committed state);
 * writes are buffered and sent in bulk by {@link #finish} just before commit: entries by one binary
 * COPY, states and idempotency keys by one {@code unnest} upsert each (removed states by one delete). A group commit of thousands of
 * entries thus costs a handful of round trips.
 */
final class LogTransaction implements WriteTransaction, PostgresStore.Ending {
    private static final byte[] COPY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final Connection connection;
    private final long size;
    private final List<byte[]> data = new ArrayList<>();
    private final List<Long> previous = new ArrayList<>();
    private final Map<RecordId, RecordState> states = new LinkedHashMap<>();
    private final List<RecordId> removed = new ArrayList<>();
    private final Map<String, Long> keys = new LinkedHashMap<>();
    private final Map<String, byte[]> blobs = new LinkedHashMap<>();
    private RuntimeException failure;
    private boolean done;

    LogTransaction(Connection connection, long size) {
        this.connection = connection;
        this.size = size;
    }

    @Override
    public long size() {
        check();
        return size;
    }

    @Override
    public Map<RecordId, RecordState> states(Collection<RecordId> ids) {
        check();
        Map<RecordId, RecordState> found = new HashMap<>();
        if (ids.isEmpty()) return found;
        String[] collections = new String[ids.size()];
        String[] names = new String[ids.size()];
        int i = 0;
        for (RecordId id : ids) {
            collections[i] = id.collection();
            names[i++] = id.key();
        }
        // LIMIT 1 keeps the lateral subquery from being flattened into a join the planner may run as
        // a scan of the whole table: here every asked id costs one primary-key probe, at any size.
        String sql = "SELECT s.collection, s.key, s.version, s.idx, s.deleted FROM unnest(?::text[], ?::text[]) AS q(c, k)"
                + " CROSS JOIN LATERAL (SELECT * FROM kalaja_state"
                + " WHERE collection = q.c COLLATE \"C\" AND key = q.k COLLATE \"C\" LIMIT 1) s";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, connection.createArrayOf("text", collections));
            ps.setArray(2, connection.createArrayOf("text", names));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) {
                    RecordState s = PostgresStore.stateOf(r);
                    found.put(s.id(), s);
                }
            }
        } catch (SQLException e) {
            throw failure = new SqlFailure("reading record states", e);
        }
        return found;
    }

    @Override
    public Map<String, Long> idempotencyKeys(Collection<String> asked) {
        check();
        Map<String, Long> found = new HashMap<>();
        if (asked.isEmpty()) return found;
        String sql = "SELECT i.key, i.idx FROM unnest(?::text[]) AS q(k) CROSS JOIN LATERAL"
                + " (SELECT key, idx FROM kalaja_idempotency WHERE key = q.k COLLATE \"C\" LIMIT 1) i";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, connection.createArrayOf("text", asked.toArray(String[]::new)));
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) found.put(r.getString(1), r.getLong(2));
            }
        } catch (SQLException e) {
            throw failure = new SqlFailure("reading idempotency keys", e);
        }
        return found;
    }

    @Override
    public void append(long index, byte[] entry, long previousIndex) {
        check();
        long expected = size + data.size();
        if (index != expected) {
            failure = new StoreException("append at log index " + index + " refused: the next index is "
                    + expected + " (log size " + size + " plus " + data.size()
                    + " appended in this transaction); indexes must be contiguous", false);
            throw failure;
        }
        data.add(entry.clone());
        previous.add(previousIndex);
    }

    @Override
    public void putState(RecordState state) {
        check();
        states.put(state.id(), state);
    }

    @Override
    public void removeState(RecordId id) {
        check();
        removed.add(id);
    }

    @Override
    public void putIdempotencyKey(String key, long index) {
        check();
        keys.putIfAbsent(key, index);
    }

    @Override
    public void putBlob(byte[] sha256, byte[] content) {
        check();
        blobs.putIfAbsent(java.util.HexFormat.of().formatHex(sha256), content.clone());
    }

    /** Sends every buffered write; after this the transaction only commits or rolls back. */
    @Override
    public void finish() throws SQLException {
        check();
        done = true;
        if (failure != null) throw failure;
        if (!blobs.isEmpty()) insertBlobs();
        if (!data.isEmpty()) copyEntries();
        if (!states.isEmpty()) upsertStates();
        if (!removed.isEmpty()) deleteStates();
        if (!keys.isEmpty()) insertKeys();
    }

    @Override
    public void close() {
        done = true;
    }

    private void check() {
        if (done) throw new IllegalStateException("the write transaction has ended");
    }

    private void copyEntries() throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        String sql = "COPY kalaja_entries (idx, data, previous_idx) FROM STDIN (FORMAT binary)";
        // Binary COPY: signature, flags, header extension, then per row a field count and
        // length-prefixed big-endian fields, then -1. No text escaping of 1 KiB bodies.
        try (DataOutputStream out = new DataOutputStream(new PGCopyOutputStream(pg, sql, 1 << 16))) {
            out.write(COPY_SIGNATURE);
            out.writeInt(0);
            out.writeInt(0);
            for (int i = 0; i < data.size(); i++) {
                byte[] d = data.get(i);
                out.writeShort(3);
                out.writeInt(8);
                out.writeLong(size + i);
                out.writeInt(d.length);
                out.write(d);
                out.writeInt(8);
                out.writeLong(previous.get(i));
            }
            out.writeShort(-1);
        } catch (IOException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            throw new SQLException("copying entries failed: " + e.getMessage(), "08006", e);
        }
    }

    private void upsertStates() throws SQLException {
        int n = states.size();
        String[] collections = new String[n];
        String[] names = new String[n];
        Long[] versions = new Long[n];
        Long[] indexes = new Long[n];
        Boolean[] deleted = new Boolean[n];
        int i = 0;
        for (RecordState s : states.values()) {
            collections[i] = s.id().collection();
            names[i] = s.id().key();
            versions[i] = s.version();
            indexes[i] = s.index();
            deleted[i++] = s.deleted();
        }
        String sql = "INSERT INTO kalaja_state (collection, key, version, idx, deleted)"
                + " SELECT * FROM unnest(?::text[], ?::text[], ?::int8[], ?::int8[], ?::bool[])"
                + " ON CONFLICT (collection, key) DO UPDATE"
                + " SET version = excluded.version, idx = excluded.idx, deleted = excluded.deleted";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, array("text", collections));
            ps.setArray(2, array("text", names));
            ps.setArray(3, array("int8", versions));
            ps.setArray(4, array("int8", indexes));
            ps.setArray(5, array("bool", deleted));
            ps.executeUpdate();
        }
    }

    private void deleteStates() throws SQLException {
        String[] collections = new String[removed.size()];
        String[] names = new String[removed.size()];
        for (int i = 0; i < removed.size(); i++) {
            collections[i] = removed.get(i).collection();
            names[i] = removed.get(i).key();
        }
        String sql = "DELETE FROM kalaja_state s USING unnest(?::text[], ?::text[]) AS q(c, k)"
                + " WHERE s.collection = q.c COLLATE \"C\" AND s.key = q.k COLLATE \"C\"";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, array("text", collections));
            ps.setArray(2, array("text", names));
            ps.executeUpdate();
        }
    }

    private void insertKeys() throws SQLException {
        // A key is never reused; should one arrive again, the first index it appended stays.
        String sql = "INSERT INTO kalaja_idempotency (key, idx) SELECT * FROM unnest(?::text[], ?::int8[])"
                + " ON CONFLICT (key) DO NOTHING";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setArray(1, array("text", keys.keySet().toArray(String[]::new)));
            ps.setArray(2, array("int8", keys.values().toArray(Long[]::new)));
            ps.executeUpdate();
        }
    }

    private void insertBlobs() throws SQLException {
        String sql = "INSERT INTO kalaja_blobs (sha256, content) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (Map.Entry<String, byte[]> b : blobs.entrySet()) {
                ps.setBytes(1, java.util.HexFormat.of().parseHex(b.getKey()));
                ps.setBytes(2, b.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private Array array(String type, Object[] values) throws SQLException {
        return connection.createArrayOf(type, values);
    }

    /** An SQLException escaping from an SPI method that cannot declare it; the store translates it. */
    static final class SqlFailure extends RuntimeException {
        final String action;

        SqlFailure(String action, SQLException cause) {
            super(cause);
            this.action = action;
        }

        SQLException sql() {
            return (SQLException) getCause();
        }
    }
}
