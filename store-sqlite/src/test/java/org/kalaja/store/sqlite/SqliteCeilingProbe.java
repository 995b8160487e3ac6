package org.kalaja.store.sqlite;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Random;

/**
 * What this machine can do at all, without any Kalaja code: the ceilings that docs/BENCHMARKS.md
 * compares the SQLite driver with. Each line writes 200,000 records of 1.1 KiB in batches of 4,096.
 *
 * <ul>
 *   <li>{@code rows}: an append-only SQLite table, WAL, {@code synchronous=FULL};</li>
 *   <li>{@code rows+state}: the same plus a pointer-state upsert per record (the old driver's shape);</li>
 *   <li>{@code rows+state, no fsync}: the same at {@code synchronous=OFF}, the CPU ceiling of one writer;</li>
 *   <li>{@code file}: records appended to a plain file, {@code fdatasync} per batch;</li>
 *   <li>{@code file + state}: the file as the commit point, then the state upserts into SQLite at
 *       {@code synchronous=NORMAL} (the current driver's shape, without its frames and index).</li>
 * </ul>
 *
 * <p>Run: {@code java -cp "store-sqlite/target/test-classes:server/target/lib/*" org.kalaja.store.sqlite.SqliteCeilingProbe [dir]}
 */
final class SqliteCeilingProbe {
    private static final int RECORDS = 200_000;
    private static final int BATCH = 4096;
    private static final byte[] RECORD = new byte[1100];

    private SqliteCeilingProbe() {
    }

    public static void main(String[] args) throws Exception {
        new Random(1).nextBytes(RECORD);
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("kalaja-ceiling");
        report("rows (synchronous=FULL)", sqlite(dir, "FULL", true, false));
        report("rows+state (synchronous=FULL)", sqlite(dir, "FULL", true, true));
        report("rows+state, no fsync (synchronous=OFF)", sqlite(dir, "OFF", true, true));
        report("file, fdatasync per batch", fileThenState(dir, false));
        report("file + state (synchronous=NORMAL)", fileThenState(dir, true));
    }

    private static void report(String what, double seconds) {
        System.out.printf(Locale.ROOT, "%-42s %,9.0f records/s%n", what, RECORDS / seconds);
    }

    private static Connection open(Path dir, String synchronous) throws Exception {
        Path file = dir.resolve("ceiling.db");
        for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(file + suffix));
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + synchronous);
            s.execute("CREATE TABLE rows (i INTEGER PRIMARY KEY, data BLOB NOT NULL)");
            s.execute("CREATE TABLE state (c TEXT NOT NULL, k TEXT NOT NULL, version INTEGER, idx INTEGER, PRIMARY KEY (c, k)) WITHOUT ROWID");
        }
        c.setAutoCommit(false);
        return c;
    }

    private static double sqlite(Path dir, String synchronous, boolean rows, boolean state) throws Exception {
        try (Connection c = open(dir, synchronous);
                PreparedStatement row = c.prepareStatement("INSERT INTO rows VALUES (?, ?)");
                PreparedStatement upsert = upsert(c)) {
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                if (rows) {
                    row.setLong(1, i);
                    row.setBytes(2, RECORD);
                    row.addBatch();
                }
                if (state) addState(upsert, i);
                if ((i + 1) % BATCH == 0 || i + 1 == RECORDS) {
                    if (rows) row.executeBatch();
                    if (state) upsert.executeBatch();
                    c.commit();
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static double fileThenState(Path dir, boolean state) throws Exception {
        Path log = dir.resolve("ceiling.log");
        Files.deleteIfExists(log);
        try (Connection c = open(dir, "NORMAL"); PreparedStatement upsert = upsert(c);
                FileChannel file = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect((RECORD.length + 8) * BATCH);
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                buffer.putLong(i).put(RECORD);
                if (state) addState(upsert, i);
                if ((i + 1) % BATCH == 0 || i + 1 == RECORDS) {
                    buffer.flip();
                    while (buffer.hasRemaining()) file.write(buffer);
                    buffer.clear();
                    file.force(false);
                    if (state) {
                        upsert.executeBatch();
                        c.commit();
                    }
                }
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static PreparedStatement upsert(Connection c) throws SQLException {
        return c.prepareStatement("INSERT INTO state VALUES (?, ?, ?, ?) ON CONFLICT (c, k) DO UPDATE SET version = excluded.version, idx = excluded.idx");
    }

    private static void addState(PreparedStatement upsert, int i) throws SQLException {
        upsert.setString(1, "applications");
        upsert.setString(2, String.format(Locale.ROOT, "r-%09d", i));
        upsert.setLong(3, 1);
        upsert.setLong(4, i);
        upsert.addBatch();
    }
}
