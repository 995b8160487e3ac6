package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** Entries indexed by chunks: lookups and ranges across chunk boundaries, rollbacks, damaged chunks. */
class SqliteEntryChunksTest {
    @TempDir
    Path dir;

    /** Entry i has i % 7 * 300 bytes (0 to 1,800, so rows end by count and by bytes) and previous index i - 1. */
    private static byte[] data(long i) {
        byte[] d = new byte[(int) (i % 7) * 300];
        for (int j = 0; j < d.length; j++) d[j] = (byte) (i * 31 + j);
        return d;
    }

    private static void append(SqliteStore store, int count) {
        store.write(tx -> {
            long at = tx.size();
            for (int i = 0; i < count; i++) tx.append(at + i, data(at + i), at + i - 1);
            return null;
        });
    }

    private static void assertEntry(StoredEntry e, long index) {
        assertThat(e.index()).isEqualTo(index);
        assertThat(e.data()).isEqualTo(data(index));
        assertThat(e.previousIndex()).isEqualTo(index - 1);
    }

    private List<long[]> rows() throws Exception {
        List<long[]> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kalaja.db"));
                ResultSet rs = c.createStatement().executeQuery("SELECT first, count, length FROM entry_chunks ORDER BY first")) {
            while (rs.next()) rows.add(new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
        }
        return rows;
    }

    @Test
    void everyEntryIsFoundAloneAndInEveryRangeAcrossRowBoundaries() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            append(store, 1);
            append(store, 200);
            append(store, 3);
            append(store, 130);
            assertThat(store.size()).isEqualTo(334);
            for (long i = 0; i < 334; i++) assertEntry(store.entry(i).orElseThrow(), i);
            assertThat(store.entry(334)).isEmpty();
            assertThat(store.entry(-1)).isEmpty();
            for (long from = 0; from <= 334; from += 13) {
                for (long to = from; to <= 340; to += 29) {
                    List<StoredEntry> got = new ArrayList<>();
                    store.entries(from, to, got::add);
                    assertThat(got).hasSize((int) (Math.min(to, 334) - from));
                    for (int k = 0; k < got.size(); k++) assertEntry(got.get(k), from + k);
                }
            }
        }
        List<long[]> rows = rows();
        assertThat(rows.size()).isBetween(6, 40); // packed, not one row per entry
        long next = 0;
        for (long[] row : rows) {
            assertThat(row[0]).isEqualTo(next);
            assertThat(row[1]).isBetween(1L, (long) EntryChunks.MAX_ENTRIES);
            assertThat(row[2] <= EntryChunks.MAX_BYTES || row[1] == 1).isTrue();
            next += row[1];
        }
        assertThat(next).isEqualTo(334);
    }

    @Test
    void anEntryLargerThanARowGetsARowOfItsOwn() {
        byte[] big = new byte[EntryChunks.MAX_BYTES * 3];
        big[big.length - 1] = 9;
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            store.write(tx -> {
                tx.append(0, new byte[] {1}, -1);
                tx.append(1, big, 0);
                tx.append(2, new byte[] {2}, 1);
                return null;
            });
            assertThat(store.entry(1).orElseThrow().data()).isEqualTo(big);
            List<Long> indexes = new ArrayList<>();
            store.entries(0, 3, e -> indexes.add(e.index()));
            assertThat(indexes).containsExactly(0L, 1L, 2L);
            assertThat(store.entry(2).orElseThrow().data()).containsExactly(2);
        }
    }

    @Test
    void aFailedTransactionLeavesNoPartOfItsRows() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            append(store, 100);
            assertThatThrownBy(() -> store.write(tx -> {
                for (int i = 0; i < 150; i++) tx.append(100 + i, data(100 + i), 99 + i);
                throw new IllegalStateException("the work failed after filling several rows and part of another");
            })).isInstanceOf(IllegalStateException.class);
            assertThat(store.size()).isEqualTo(100);
            append(store, 5);
            for (long i = 95; i < 105; i++) assertEntry(store.entry(i).orElseThrow(), i);
        }
        assertThat(rows().stream().mapToLong(r -> r[1]).sum()).isEqualTo(105);
    }

    @Test
    void aDamagedRowIsReportedAsDamageNotReadAsEntries() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            append(store, 10);
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("kalaja.db"));
                Statement s = c.createStatement()) {
            s.execute("UPDATE entry_chunks SET length = length - 1"); // the index and the log disagree
        }
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            assertThatThrownBy(() -> store.entry(9)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("malformed").hasMessageContaining("starting at 0");
        }
    }

    @Test
    void aStoreOfTheOldOneEntryPerRowFormatIsRefusedWithAClearMessage() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db"))) {
            store.executeOnWriter("PRAGMA user_version = 1");
        }
        assertThatThrownBy(() -> SqliteStore.open(dir.resolve("kalaja.db"))).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version 1").hasMessageContaining("kalaja recover");
    }
}
