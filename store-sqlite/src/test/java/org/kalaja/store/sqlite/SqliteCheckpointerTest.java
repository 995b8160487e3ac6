package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/** The WAL is checkpointed off the writer's thread, stays bounded under sustained writes, and goes away on close. */
class SqliteCheckpointerTest {
    static final Checkpointer.Limits SMALL = new Checkpointer.Limits(256 << 10, 2 << 20);

    @TempDir
    Path dir;

    /** Appends {@code count} entries of 1 KiB, each with a state row, in one transaction. */
    static void write(SqliteStore store, int count) {
        store.write(tx -> {
            long at = tx.size();
            for (int i = 0; i < count; i++) {
                tx.append(at + i, new byte[1024], -1);
                tx.putState(new RecordState(new RecordId("c", "k" + (at + i)), 1, at + i, false));
            }
            return null;
        });
    }

    private static boolean checkpointerRunning() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("kalaja-sqlite-checkpointer"));
    }

    @Test
    void walStaysBoundedUnderSustainedWrites() throws Exception {
        Path file = dir.resolve("kalaja.db");
        Path wal = dir.resolve("kalaja.db-wal");
        long largest = 0;
        try (SqliteStore store = SqliteStore.open(file, SMALL)) {
            for (int i = 0; i < 400; i++) { // 40 MiB of entries: twenty times the limit
                write(store, 100);
                largest = Math.max(largest, Files.size(wal));
            }
            assertThat(store.size()).isEqualTo(40_000);
        }
        // The limit, plus one transaction, plus what the estimate of WAL bytes misses.
        assertThat(largest).isLessThan(SMALL.restartBytes() * 2);
        assertThat(Files.exists(wal)).isFalse();
        try (SqliteStore reopened = SqliteStore.openReadOnly(file)) {
            assertThat(reopened.size()).isEqualTo(40_000);
        }
    }

    @Test
    void anIdleStoreHasItsWalCopiedAndEmptied() throws Exception {
        Path wal = dir.resolve("kalaja.db-wal");
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"), SMALL)) {
            write(store, 500);
            assertThat(Files.size(wal)).isGreaterThan(0); // state and index rows; the entries are in the log
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(wal) > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(Files.size(wal)).isZero();
            assertThat(store.entry(499)).isPresent();
        }
    }

    @Test
    void closeStopsTheCheckpointerAndReadOnlyStoresStartNone() {
        Path file = dir.resolve("kalaja.db");
        try (SqliteStore store = SqliteStore.open(file)) {
            write(store, 10);
            assertThat(checkpointerRunning()).isTrue();
        }
        assertThat(checkpointerRunning()).isFalse();
        try (SqliteStore store = SqliteStore.openReadOnly(file)) {
            assertThat(store.size()).isEqualTo(10);
            assertThat(checkpointerRunning()).isFalse();
        }
    }
}
