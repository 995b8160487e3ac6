package org.kalaja.store.sqlite;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.kalaja.engine.spi.IntegrationTransaction;
import org.kalaja.engine.spi.StoreException;

/**
 * An integration transaction on the writer connection (SQLite has one writer, so integrations
 * briefly exclude writes). Tiles are written at once, so {@link #tile} sees this transaction's own.
 */
final class SqliteIntegration implements IntegrationTransaction, Writer.Scope<IntegrationTransaction> {
    private static final int HASH_SIZE = 32;
    private static final int TILE_WIDTH = 256;

    private final Writer writer;
    private boolean open;
    private long writtenBytes;

    SqliteIntegration(Writer writer) {
        this.writer = writer;
    }

    @Override
    public IntegrationTransaction open() {
        open = true;
        writtenBytes = 0;
        return this;
    }

    @Override
    public Optional<String> latestCheckpoint() {
        checkOpen();
        try (ResultSet rs = writer.prepared("SELECT note FROM checkpoints ORDER BY size DESC LIMIT 1").executeQuery()) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (SQLException e) {
            throw fail(e, "reading the latest checkpoint");
        }
    }

    @Override
    public Optional<byte[]> tile(int level, long index) {
        checkOpen();
        try {
            PreparedStatement select = writer.prepared("SELECT hashes FROM tiles WHERE level = ? AND idx = ?");
            select.setInt(1, level);
            select.setLong(2, index);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw fail(e, "reading tile " + level + "/" + index);
        }
    }

    @Override
    public void putTile(int level, long index, byte[] hashes) {
        checkOpen();
        if (hashes.length == 0 || hashes.length % HASH_SIZE != 0 || hashes.length > TILE_WIDTH * HASH_SIZE) {
            throw new StoreException("tile " + level + "/" + index + " of " + hashes.length
                    + " bytes is not 1 to 256 hashes of 32 bytes; the integration was rolled back", false);
        }
        Optional<byte[]> stored = tile(level, index);
        if (stored.isPresent()) {
            byte[] old = stored.get();
            int differs = firstDifference(old, hashes);
            if (hashes.length < old.length || differs >= 0) {
                throw new StoreException("tile " + level + "/" + index + " in " + writer.file() + " holds " + old.length / HASH_SIZE
                        + " hashes and the new one (" + hashes.length / HASH_SIZE + " hashes) does not extend it"
                        + (differs >= 0 ? ": hash " + differs + " differs" : ": it is narrower")
                        + "; tiles only grow, so the tree or the store was changed behind the log's back;"
                        + " the integration was rolled back", false);
            }
            if (hashes.length == old.length) return;
        }
        try {
            PreparedStatement upsert = writer.prepared("INSERT OR REPLACE INTO tiles (level, idx, hashes) VALUES (?, ?, ?)");
            upsert.setInt(1, level);
            upsert.setLong(2, index);
            upsert.setBytes(3, hashes);
            upsert.executeUpdate();
            writtenBytes += hashes.length;
        } catch (SQLException e) {
            throw fail(e, "storing tile " + level + "/" + index);
        }
    }

    /** The index of the first hash in which the common prefix of the two tiles differs, or -1. */
    private static int firstDifference(byte[] old, byte[] hashes) {
        int common = Math.min(old.length, hashes.length);
        int at = java.util.Arrays.mismatch(old, 0, common, hashes, 0, common);
        return at < 0 ? -1 : at / HASH_SIZE;
    }

    @Override
    public void putCheckpoint(long size, String signedNote) {
        checkOpen();
        try {
            // Replacing is allowed: the same tree may be signed again, e.g. with more cosignatures.
            PreparedStatement upsert = writer.prepared("INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)");
            upsert.setLong(1, size);
            upsert.setString(2, signedNote);
            upsert.executeUpdate();
        } catch (SQLException e) {
            throw fail(e, "storing the checkpoint for size " + size);
        }
    }

    @Override
    public void flush() {
        // Nothing is deferred.
    }

    @Override
    public long writtenBytes() {
        return writtenBytes;
    }

    @Override
    public void end(boolean committed) {
        open = false;
    }

    private void checkOpen() {
        if (!open) throw new IllegalStateException("the integration transaction on " + writer.file() + " has ended");
    }

    private StoreException fail(SQLException e, String doing) {
        return Failures.translate(e, writer.file(), doing, true);
    }
}
