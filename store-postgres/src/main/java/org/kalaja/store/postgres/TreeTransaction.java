package org.kalaja.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.store.postgres.LogTransaction.SqlFailure;

/**
 * An integration transaction holding the integration lock. Tiles are written at once (an integration
 * touches a few dozen), so {@link #tile} sees them through the database itself.
 */
final class TreeTransaction implements IntegrationTransaction, PostgresStore.Ending {
    private final Connection connection;
    private RuntimeException failure;
    private boolean done;

    TreeTransaction(Connection connection) {
        this.connection = connection;
    }

    @Override
    public Optional<String> latestCheckpoint() {
        check();
        return one("reading the latest checkpoint",
                "SELECT note FROM kalaja_checkpoints ORDER BY size DESC LIMIT 1", ps -> { });
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        check();
        return one("reading tile " + level + "/" + index, "SELECT hashes FROM kalaja_tiles WHERE level = ? AND idx = ?",
                ps -> {
                    ps.setInt(1, level);
                    ps.setLong(2, index);
                });
    }

    @Override
    public void putTile(int level, long index, byte[] hashes) {
        check();
        // The update applies only when the stored tile is a prefix of the new one: tiles only grow.
        String sql = "INSERT INTO kalaja_tiles (level, idx, hashes) VALUES (?, ?, ?)"
                + " ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes"
                + " WHERE length(excluded.hashes) >= length(kalaja_tiles.hashes)"
                + " AND substring(excluded.hashes FROM 1 FOR length(kalaja_tiles.hashes)) = kalaja_tiles.hashes";
        int changed;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setInt(1, level);
            ps.setLong(2, index);
            ps.setBytes(3, hashes);
            changed = ps.executeUpdate();
        } catch (SQLException e) {
            throw failure = new SqlFailure("storing tile " + level + "/" + index, e);
        }
        if (changed != 1) {
            int stored = tile(level, index).map(t -> t.length).orElse(0);
            throw failure = new StoreException("tile " + level + "/" + index + " refused: the stored tile of "
                    + stored + " bytes is not a prefix of the new one of " + hashes.length
                    + " bytes; hash tiles only grow, so the tree being integrated disagrees with the stored one",
                    false);
        }
    }

    @Override
    public void putCheckpoint(long size, String signedNote) {
        check();
        String sql = "INSERT INTO kalaja_checkpoints (size, note) VALUES (?, ?)"
                + " ON CONFLICT (size) DO UPDATE SET note = excluded.note";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setLong(1, size);
            ps.setString(2, signedNote);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failure = new SqlFailure("storing the checkpoint for size " + size, e);
        }
    }

    /** Ends the work; a refusal the work swallowed still fails the transaction. */
    @Override
    public void finish() {
        check();
        done = true;
        if (failure != null) throw failure;
    }

    @Override
    public void close() {
        done = true;
    }

    private void check() {
        if (done) throw new IllegalStateException("the integration transaction has ended");
    }

    @SuppressWarnings("unchecked")
    private <T> Optional<T> one(String action, String sql, Binder binder) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet r = ps.executeQuery()) {
                return r.next() ? Optional.of((T) r.getObject(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure = new SqlFailure(action, e);
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }
}
