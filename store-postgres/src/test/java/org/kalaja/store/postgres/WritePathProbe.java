package org.kalaja.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * Measures the driver's write path against plain upserts of the same rows into an ordinary table of
 * the same durable database (fsync and synchronous_commit on). Arguments: [rows] [batch]. Run:
 * <pre>
 * ./mvnw -q -pl store-postgres test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp
 * java -cp store-postgres/target/test-classes:store-postgres/target/classes:$(cat /tmp/cp) \
 *     org.kalaja.store.postgres.WritePathProbe
 * </pre>
 *
 * <p>Ledger path: per transaction of {@code batch} writes, append {@code batch} entries of 1 KiB and
 * upsert {@code batch} state rows (pointers); "full" additionally looks up the states and idempotency
 * keys first and stores the keys, as the engine's group commit does. Plain: multi-row
 * {@code INSERT ... ON CONFLICT DO UPDATE} of (collection, key, 1 KiB body) in transactions of
 * {@code batch} rows. Keys repeat after half the rows, so both paths insert and then update.
 */
final class WritePathProbe {
    private static final int BODY = 1024;

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
        byte[][] bodies = new byte[rows][];
        Random random = new Random(1);
        for (int i = 0; i < rows; i++) {
            bodies[i] = new byte[BODY];
            random.nextBytes(bodies[i]); // incompressible, like sealed entries
        }
        TestDatabases.server();
        // A short warm-up of each path so the JIT and the server caches do not favour the second one.
        int warm = Math.min(rows, 20_000);
        plain(TestDatabases.freshDatabase(), bodies, warm, batch);
        ledger(TestDatabases.freshDatabase(), bodies, warm, batch, false);

        double plain = plain(TestDatabases.freshDatabase(), bodies, rows, batch);
        double ledger = ledger(TestDatabases.freshDatabase(), bodies, rows, batch, false);
        double full = ledger(TestDatabases.freshDatabase(), bodies, rows, batch, true);
        System.out.printf("rows %,d of %d B in transactions of %,d (fsync on, synchronous_commit on)%n", rows, BODY, batch);
        System.out.printf("plain multi-row upserts:              %,10.0f rows/s%n", plain);
        System.out.printf("ledger: append + state upsert:        %,10.0f writes/s  ratio %.2f%n", ledger, ledger / plain);
        System.out.printf("ledger + state and key lookups, keys: %,10.0f writes/s  ratio %.2f%n", full, full / plain);
        System.exit(0); // the embedded server's shutdown hook stops it
    }

    private static double ledger(String url, byte[][] bodies, int rows, int batch, boolean full) {
        try (PostgresStore store = TestDatabases.open(url)) {
            long start = System.nanoTime();
            for (int from = 0; from < rows; from += batch) {
                int first = from;
                int to = Math.min(rows, from + batch);
                store.write(tx -> {
                    long at = tx.size();
                    List<RecordId> ids = new ArrayList<>(to - first);
                    List<String> keys = new ArrayList<>(to - first);
                    for (int i = first; i < to; i++) {
                        ids.add(new RecordId("people", key(i, rows)));
                        keys.add("request-" + i);
                    }
                    if (full) {
                        tx.states(ids);
                        tx.idempotencyKeys(keys);
                    }
                    for (int i = first; i < to; i++) {
                        long index = at + i - first;
                        tx.append(index, bodies[i], -1);
                        tx.putState(new RecordState(ids.get(i - first), 1 + i / (rows / 2), index, false));
                        if (full) tx.putIdempotencyKey(keys.get(i - first), index);
                    }
                    return null;
                });
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double plain(String url, byte[][] bodies, int rows, int batch) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + "?reWriteBatchedInserts=true",
                TestDatabases.USER, TestDatabases.PASSWORD)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE plain (collection text COLLATE \"C\", key text COLLATE \"C\","
                        + " body bytea NOT NULL, PRIMARY KEY (collection, key))");
            }
            c.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO plain (collection, key, body) VALUES (?, ?, ?)"
                    + " ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body")) {
                for (int from = 0; from < rows; from += batch) {
                    for (int i = from; i < Math.min(rows, from + batch); i++) {
                        ps.setString(1, "people");
                        ps.setString(2, key(i, rows));
                        ps.setBytes(3, bodies[i]);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    c.commit();
                }
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static String key(int i, int rows) {
        return "person-" + (i % Math.max(1, rows / 2));
    }
}
