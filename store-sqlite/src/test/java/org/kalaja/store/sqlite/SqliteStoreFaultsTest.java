package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** What only the SQLite driver does: read-only opening, a full disk, damaged files, several processes. */
class SqliteStoreFaultsTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("kalaja.db");
    }

    private static void append(SqliteStore store, int count, int bytes) {
        store.write(tx -> {
            long at = tx.size();
            for (int i = 0; i < count; i++) {
                tx.append(at + i, new byte[bytes], -1);
                tx.putState(new RecordState(new RecordId("c", "k" + (at + i)), 1, at + i, false));
            }
            return null;
        });
    }

    private List<String> filesInDir(Path d) throws IOException {
        try (var listing = Files.list(d)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void readOnlyOpenOfAMissingFileCreatesNothingAndSaysSo() throws IOException {
        assertThatThrownBy(() -> SqliteStore.openReadOnly(file()))
                .isInstanceOf(StoreException.class).hasMessageContaining("no store at").hasMessageContaining(file().toString());
        assertThat(filesInDir(dir)).isEmpty();
    }

    @Test
    void readOnlyStoreReadsACleanlyClosedStoreWithoutTouchingItsFilesAndRefusesWrites() throws IOException {
        Path spaced = Files.createDirectories(dir.resolve("a dir with spaces"));
        Path f = spaced.resolve("kalaja.db");
        try (SqliteStore store = SqliteStore.open(f)) {
            append(store, 3, 10);
            store.putMeta("origin", "o");
        }
        byte[] before = Files.readAllBytes(f);

        try (SqliteStore store = SqliteStore.openReadOnly(f)) {
            assertThat(store.size()).isEqualTo(3);
            assertThat(store.meta("origin")).contains("o");
            assertThat(store.describe()).contains("read-only");
            assertThatThrownBy(() -> append(store, 1, 1)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("read-only").hasMessageContaining(f.toString());
            assertThatThrownBy(() -> store.integrate(tx -> null)).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> store.putMeta("origin", "x")).isInstanceOf(StoreException.class);
            assertThat(filesInDir(spaced)).containsExactly("kalaja.db", "kalaja.db.log");
        }
        assertThat(filesInDir(spaced)).containsExactly("kalaja.db", "kalaja.db.log");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void readOnlyStoreSeesTransactionsStillInTheWalOfANodeThatDidNotCloseCleanly() throws IOException {
        Path crashed = Files.createDirectories(dir.resolve("crashed"));
        try (SqliteStore store = SqliteStore.open(file())) {
            append(store, 5, 100);
            // A copy taken while the writer is open is what a crash leaves: the database and its WAL.
            for (String name : filesInDir(dir)) {
                if (name.equals("kalaja.db.log")) {
                    Files.createDirectory(crashed.resolve(name));
                    for (String segment : filesInDir(dir.resolve(name))) {
                        Files.copy(dir.resolve(name).resolve(segment), crashed.resolve(name).resolve(segment));
                    }
                } else if (name.startsWith("kalaja.db")) {
                    Files.copy(dir.resolve(name), crashed.resolve(name));
                }
            }
        }
        assertThat(filesInDir(crashed)).contains("kalaja.db-wal");

        try (SqliteStore store = SqliteStore.openReadOnly(crashed.resolve("kalaja.db"))) {
            assertThat(store.size()).isEqualTo(5);
            assertThat(store.state(new RecordId("c", "k4"))).isPresent();
        }
    }

    @Test
    void fullDiskFailsTheWriteClearlyKeepsWhatWasCommittedAndWorksAgainOnceThereIsSpace() {
        try (SqliteStore store = SqliteStore.open(file())) {
            append(store, 10, 1024);
            store.executeOnWriter("PRAGMA max_page_count = 1"); // SQLite raises it to the current size: no room to grow

            assertThatThrownBy(() -> append(store, 500, 1024))
                    .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining("disk is full").hasMessageContaining("SQLITE_FULL")
                    .hasMessageContaining(file().toString()).hasMessageContaining("nothing was written");

            assertThat(store.size()).isEqualTo(10);
            assertThat(store.state(new RecordId("c", "k9"))).isPresent();
            assertThat(store.state(new RecordId("c", "k10"))).isEmpty();

            store.executeOnWriter("PRAGMA max_page_count = 1073741823"); // the operator freed space
            append(store, 500, 1024);
            assertThat(store.size()).isEqualTo(510);
        }
        try (SqliteStore reopened = SqliteStore.open(file())) {
            List<Long> indexes = new ArrayList<>();
            reopened.entries(0, 1000, e -> indexes.add(e.index()));
            assertThat(indexes).hasSize(510).startsWith(0L, 1L).endsWith(509L);
        }
    }

    @Test
    void fileThatIsNotADatabaseIsRefusedOnOpenAsCorrupted() throws IOException {
        byte[] garbage = new byte[16 * 1024];
        new Random(7).nextBytes(garbage);
        Files.write(file(), garbage);

        assertThatThrownBy(() -> SqliteStore.open(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining("corrupted or not a SQLite database").hasMessageContaining(file().toString());
        assertThatThrownBy(() -> SqliteStore.openReadOnly(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining("corrupted or not a SQLite database");
        assertThat(Files.readAllBytes(file())).isEqualTo(garbage);
    }

    @Test
    void tornDatabaseFileYieldsAClearStoreExceptionNotACrash() throws IOException {
        try (SqliteStore store = SqliteStore.open(file())) {
            for (int i = 0; i < 4; i++) append(store, 1000, 1024);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(raf.length() / 2); // the second half of the file never reached the disk
        }

        assertThatThrownBy(() -> {
            try (SqliteStore store = SqliteStore.open(file())) {
                store.entries(0, Long.MAX_VALUE, e -> { });
                store.states(s -> { });
            }
        }).isInstanceOf(StoreException.class).hasMessageContaining("corrupted").hasMessageContaining("kalaja recover");
    }

    @Test
    void storeWrittenByANewerKalajaIsRefusedWithAdvice() {
        try (SqliteStore store = SqliteStore.open(file())) {
            store.executeOnWriter("PRAGMA user_version = " + (Schema.VERSION + 1));
        }
        assertThatThrownBy(() -> SqliteStore.open(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version " + (Schema.VERSION + 1)).hasMessageContaining("newer Kalaja");
        assertThatThrownBy(() -> SqliteStore.openReadOnly(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining("newer Kalaja");
    }

    @Test
    void sqliteDatabaseOfAnotherApplicationIsRefused() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
        }
        assertThatThrownBy(() -> SqliteStore.open(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining("not a Kalaja store");
    }

    @Test
    void missingDirectoryIsReportedNotCreated() {
        Path f = dir.resolve("unmounted").resolve("kalaja.db");
        assertThatThrownBy(() -> SqliteStore.open(f)).isInstanceOf(StoreException.class)
                .hasMessageContaining("does not exist").hasMessageContaining("mounted");
        assertThat(Files.exists(f.getParent())).isFalse();
    }

    @Test
    void nestedTransactionsAreRefusedAndTheOuterOneRollsBack() {
        try (SqliteStore store = SqliteStore.open(file())) {
            assertThatThrownBy(() -> store.write(tx -> {
                tx.append(0, new byte[1], -1);
                return store.write(inner -> inner.size());
            })).isInstanceOf(IllegalStateException.class).hasMessageContaining("nested");
            assertThat(store.size()).isZero();
            append(store, 1, 1);
            assertThat(store.size()).isEqualTo(1);
        }
    }

    @Test
    void closedStoreRefusesWorkWithAStoreException() {
        SqliteStore store = SqliteStore.open(file());
        store.close();
        assertThatThrownBy(() -> append(store, 1, 1)).isInstanceOf(StoreException.class).hasMessageContaining("closed");
        assertThatThrownBy(store::size).isInstanceOf(StoreException.class).hasMessageContaining("closed");
    }

    @Test
    void twoStoresOnOneFileAsTwoProcessesWouldKeepTheLogContiguous() throws Exception {
        try (SqliteStore first = SqliteStore.open(file()); SqliteStore second = SqliteStore.open(file())) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (SqliteStore s : List.of(first, second)) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 50; i++) append(s, 7, 16);
                    }));
                }
                for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            List<StoredEntry> entries = new ArrayList<>();
            second.entries(0, Long.MAX_VALUE, entries::add);
            assertThat(entries).hasSize(700);
            for (int i = 0; i < entries.size(); i++) assertThat(entries.get(i).index()).isEqualTo(i);
            assertThat(first.size()).isEqualTo(700);
        }
    }
}
