package org.kalaja.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;

/**
 * The states and idempotency keys of a whole group commit, in a query per collection and one for the
 * keys: the ids go in as a JSON array and SQLite joins it with the primary key (measured 1.6x cheaper than a prepared lookup
 * per id for 1,000 ids). Used by the writer inside a transaction and by a reader for a snapshot
 * ({@link Store#snapshot}).
 */
final class BatchLookups {
    /**
     * The states of one collection's keys, given as a flat JSON array: half the cost of an array of
     * [collection, key] pairs, whose {@code ->>} extractions each parse the pair again (0.9 against 1.9 µs
     * an absent key, 4.7 against 7.3 µs a present one, 4,096 keys in a table of 400,000). CROSS JOIN
     * keeps the array as the outer loop: with the collection bound as a parameter, SQLite's planner
     * otherwise chose to scan the table once per key.
     */
    private static final String STATES = "SELECT j.key, s.version, s.idx, s.deleted FROM json_each(?2) j"
            + " CROSS JOIN state s ON s.collection = ?1 AND s.key = j.value";
    private static final String KEYS = "SELECT j.key, i.idx FROM json_each(?) j JOIN idempotency i ON i.key = j.value";

    /** Prepares (or finds prepared) a statement on the connection at hand. */
    @FunctionalInterface
    interface Connection {
        PreparedStatement prepared(String sql) throws SQLException;
    }

    private BatchLookups() {
    }

    /** The log size, states and keys in one read transaction on {@code reader}: one WAL snapshot. */
    static Store.Snapshot snapshot(Readers.Reader reader, Collection<RecordId> ids, Collection<String> keys) throws SQLException {
        try (Statement transaction = reader.connection().createStatement()) {
            transaction.execute("BEGIN");
            try {
                return new Store.Snapshot(Schema.size(reader.prepared(Schema.SIZE)), states(reader::prepared, ids),
                        idempotencyKeys(reader::prepared, keys));
            } finally {
                transaction.execute("COMMIT");
            }
        }
    }

    static Map<RecordId, RecordState> states(Connection connection, Collection<RecordId> ids) throws SQLException {
        Map<RecordId, RecordState> found = new HashMap<>();
        if (ids.isEmpty()) return found;
        Map<String, List<RecordId>> byCollection = new LinkedHashMap<>();
        for (RecordId id : ids) byCollection.computeIfAbsent(id.collection(), c -> new ArrayList<>()).add(id);
        PreparedStatement select = connection.prepared(STATES);
        for (Map.Entry<String, List<RecordId>> c : byCollection.entrySet()) {
            List<RecordId> asked = c.getValue();
            StringBuilder json = new StringBuilder(asked.size() * 24).append('[');
            for (RecordId id : asked) quote(json.length() > 1 ? json.append(',') : json, id.key());
            select.setString(1, c.getKey());
            select.setString(2, json.append(']').toString());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    RecordId id = asked.get(rs.getInt(1));
                    found.put(id, new RecordState(id, rs.getLong(2), rs.getLong(3), rs.getBoolean(4)));
                }
            }
        }
        return found;
    }

    static Map<String, Long> idempotencyKeys(Connection connection, Collection<String> keys) throws SQLException {
        Map<String, Long> found = new HashMap<>();
        if (keys.isEmpty()) return found;
        List<String> asked = List.copyOf(keys);
        StringBuilder json = new StringBuilder(asked.size() * 40).append('[');
        for (String key : asked) quote(json.length() > 1 ? json.append(',') : json, key);
        PreparedStatement select = connection.prepared(KEYS);
        select.setString(1, json.append(']').toString());
        try (ResultSet rs = select.executeQuery()) {
            while (rs.next()) found.put(asked.get(rs.getInt(1)), rs.getLong(2));
        }
        return found;
    }

    /** Appends {@code text} as a JSON string. */
    private static StringBuilder quote(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        return json.append('"');
    }
}
