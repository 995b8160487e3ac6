package org.kalaja.server.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.kalaja.engine.EngineConfig;

/**
 * The alternative Kalaja is measured against: upserting the same records into one ordinary table,
 * in transactions of {@link #BATCH} rows (the most Kalaja's group commit puts in one transaction),
 * with the same durability as Kalaja's store (SQLite: WAL and synchronous=FULL; PostgreSQL:
 * synchronous_commit on). No log, no history, no proofs.
 */
final class PlainUpserts {
    static final int BATCH = EngineConfig.defaults().maxBatch();

    private PlainUpserts() {
    }

    /** Writes {@code records} bodies into a fresh table and returns the seconds it took. */
    static double run(String jdbcUrl, String user, String password, boolean sqlite, long records, byte[][] bodies)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement s = c.createStatement()) {
                if (sqlite) {
                    s.execute("PRAGMA journal_mode=WAL");
                    s.execute("PRAGMA synchronous=FULL");
                }
                s.execute("DROP TABLE IF EXISTS plain_records");
                s.execute("CREATE TABLE plain_records (k TEXT PRIMARY KEY, v " + (sqlite ? "BLOB" : "BYTEA") + " NOT NULL)");
            }
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO plain_records (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v")) {
                for (long i = 0; i < records; i++) {
                    upsert.setString(1, "r-" + i);
                    upsert.setBytes(2, bodies[(int) (i % bodies.length)]);
                    upsert.addBatch();
                    if ((i + 1) % BATCH == 0 || i + 1 == records) {
                        upsert.executeBatch();
                        c.commit();
                    }
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
