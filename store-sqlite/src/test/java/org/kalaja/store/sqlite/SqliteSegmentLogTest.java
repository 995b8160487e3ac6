package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** The log of segment files: torn tails, frames the database never applied, damage, boundaries. */
class SqliteSegmentLogTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("kalaja.db");
    }

    private Path segment(long first) {
        return dir.resolve("kalaja.db.log").resolve(String.format("%020d.seg", first));
    }

    /** Entry i has i % 5 * 700 bytes and previous index i - 1. */
    private static byte[] data(long i) {
        byte[] d = new byte[(int) (i % 5) * 700];
        for (int j = 0; j < d.length; j++) d[j] = (byte) (i * 17 + j);
        return d;
    }

    private static void append(Store store, int count) {
        store.write(tx -> {
            long at = tx.size();
            for (int i = 0; i < count; i++) {
                tx.append(at + i, data(at + i), at + i - 1);
                tx.putState(new RecordState(new RecordId("c", "k" + (at + i)), 1, at + i, false));
                tx.putIdempotencyKey("req-" + (at + i), at + i);
            }
            return null;
        });
    }

    private static void assertLog(Store store, long size) {
        assertThat(store.size()).isEqualTo(size);
        List<StoredEntry> all = new ArrayList<>();
        store.entries(0, Long.MAX_VALUE, all::add);
        assertThat(all).hasSize((int) size);
        for (int i = 0; i < size; i++) {
            assertThat(all.get(i).index()).isEqualTo(i);
            assertThat(all.get(i).data()).isEqualTo(data(i));
            assertThat(all.get(i).previousIndex()).isEqualTo(i - 1);
        }
        if (size > 0) {
            assertThat(store.state(new RecordId("c", "k" + (size - 1)))).isPresent();
            assertThat(store.entry(size - 1).orElseThrow().data()).isEqualTo(data(size - 1));
        }
        assertThat(store.entry(size)).isEmpty();
    }

    /** {size, segment, end_offset} as the database has them. */
    private long[] tail() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                ResultSet rs = c.createStatement().executeQuery("SELECT size, segment, end_offset FROM log_tail")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    /** Makes the database forget every frame after {@code tail}, as a power loss with synchronous=NORMAL may. */
    private void forgetAppliedAfter(long[] tail) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            s.execute("UPDATE log_tail SET size = " + tail[0] + ", segment = " + tail[1] + ", end_offset = " + tail[2]);
            s.execute("DELETE FROM entry_chunks WHERE first >= " + tail[0]);
            s.execute("DELETE FROM state WHERE idx >= " + tail[0]);
            s.execute("DELETE FROM idempotency WHERE idx >= " + tail[0]);
        }
    }

    @Test
    void aTornFrameAtTheTailIsCutOffOnOpenAndEverythingBeforeItIsIntact() throws Exception {
        try (SqliteStore store = SqliteStore.open(file())) {
            append(store, 10);
            append(store, 25);
        }
        long[] tail = tail();
        long length = Files.size(segment(0));
        byte[] whole = Files.readAllBytes(segment(0));
        try (RandomAccessFile raf = new RandomAccessFile(segment(0).toFile(), "rw")) {
            raf.seek(length);
            int firstFrame = java.nio.ByteBuffer.wrap(whole).getInt(4);
            raf.write(whole, 0, firstFrame / 2); // the start of a frame (a valid header) whose write never finished
        }
        try (SqliteStore store = SqliteStore.open(file())) {
            assertThat(Files.size(segment(0))).isEqualTo(length);
            assertLog(store, 35);
            append(store, 5);
            assertLog(store, 40);
        }
        try (RandomAccessFile raf = new RandomAccessFile(segment(0).toFile(), "rw")) {
            raf.setLength(raf.length() + 5000); // the file grew but its blocks never reached the disk: zeros
        }
        try (SqliteStore store = SqliteStore.open(file())) {
            assertLog(store, 40);
        }
        assertThat(tail[0]).isEqualTo(35);
    }

    @Test
    void aFrameFsyncedButNeverAppliedIsAppliedOnOpen() {
        try (SqliteStore store = SqliteStore.open(file())) {
            append(store, 7);
            assertThatThrownBy(() -> store.writeWithoutApplying(tx -> {
                for (int i = 0; i < 9; i++) {
                    tx.append(7 + i, data(7 + i), 6 + i);
                    tx.putState(new RecordState(new RecordId("c", "k" + (7 + i)), 1, 7 + i, false));
                    tx.putIdempotencyKey("req-" + (7 + i), 7 + i);
                }
                return null;
            })).isInstanceOf(StoreException.class);
            assertThat(store.size()).isEqualTo(7); // the database has not seen it
        }
        try (SqliteStore store = SqliteStore.openReadOnly(file())) {
            throw new AssertionError("a read-only open must refuse a log with unapplied frames, got " + store.size());
        } catch (StoreException e) {
            assertThat(e.getMessage()).contains("stopped uncleanly").contains("kalaja serve");
        }
        try (SqliteStore store = SqliteStore.open(file())) {
            assertLog(store, 16);
            List<Store.IdempotencyKey> keys = new ArrayList<>();
            store.idempotencyKeys(keys::add);
            assertThat(keys).hasSize(16);
        }
        try (SqliteStore store = SqliteStore.openReadOnly(file())) {
            assertLog(store, 16);
        }
    }

    @Test
    void framesWhoseApplyAPowerLossUndidAreAppliedAgainOnOpen() throws Exception {
        long[] afterFirst = threeFramesWhoseLastTwoWereNeverApplied();
        try (SqliteStore store = SqliteStore.open(file())) {
            assertLog(store, 60);
        }
    }

    @Test
    void aDamagedFrameInTheMiddleIsRefusedNamingSegmentAndOffset() throws Exception {
        long[] afterFirst = threeFramesWhoseLastTwoWereNeverApplied();
        byte[] before = Files.readAllBytes(segment(0));
        try (RandomAccessFile raf = new RandomAccessFile(segment(0).toFile(), "rw")) {
            raf.seek(afterFirst[2] + 100); // inside the second frame, which the third follows
            int b = raf.read();
            raf.seek(afterFirst[2] + 100);
            raf.write(b ^ 0x01);
        }
        assertThatThrownBy(() -> SqliteStore.open(file())).isInstanceOf(StoreException.class)
                .hasMessageContaining(segment(0).toString()).hasMessageContaining("offset " + afterFirst[2])
                .hasMessageContaining("CRC").hasMessageContaining("tampering").hasMessageContaining("kalaja recover");
        assertThat(Files.size(segment(0))).isEqualTo(before.length); // nothing was cut off
    }

    @Test
    void entriesAreReadAcrossFrameChunkAndSegmentBoundaries() throws IOException {
        try (SqliteStore store = SqliteStore.open(file(), Checkpointer.Limits.DEFAULT, 8 * 1024)) {
            append(store, 1);
            append(store, 40);
            append(store, 3);
            append(store, 17);
            append(store, 33);
            for (int i = 0; i < 3; i++) append(store, 6);
            long size = 112;
            assertLog(store, size);
            for (long i = 0; i < size; i++) assertThat(store.entry(i).orElseThrow().data()).isEqualTo(data(i));
            for (long from = 0; from <= size; from += 7) {
                for (long to = from; to <= size + 3; to += 11) {
                    List<StoredEntry> got = new ArrayList<>();
                    store.entries(from, to, got::add);
                    assertThat(got).hasSize((int) (Math.min(to, size) - from));
                    for (int k = 0; k < got.size(); k++) assertThat(got.get(k).index()).isEqualTo(from + k);
                }
            }
        }
        try (var files = Files.list(dir.resolve("kalaja.db.log"))) {
            assertThat(files.count()).isGreaterThanOrEqualTo(4);
        }
        try (SqliteStore reopened = SqliteStore.open(file(), Checkpointer.Limits.DEFAULT, 8 * 1024)) {
            assertLog(reopened, 112);
        }
    }

    @Test
    void twoStoresOnOneFileKeepOneContiguousLogAcrossSegments() throws Exception {
        try (SqliteStore first = SqliteStore.open(file(), Checkpointer.Limits.DEFAULT, 16 * 1024);
                SqliteStore second = SqliteStore.open(file(), Checkpointer.Limits.DEFAULT, 16 * 1024)) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (SqliteStore s : List.of(first, second)) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 30; i++) append(s, 3);
                    }));
                }
                for (Future<?> f : done) f.get(60, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertLog(first, 180);
            assertLog(second, 180);
        }
        try (SqliteStore reopened = SqliteStore.open(file())) {
            assertLog(reopened, 180);
        }
    }

    /** Writes three frames of 20 entries, then makes the database forget it applied the last two; returns the tail after the first. */
    private long[] threeFramesWhoseLastTwoWereNeverApplied() throws Exception {
        long[] afterFirst;
        try (SqliteStore store = SqliteStore.open(file())) {
            append(store, 20);
            afterFirst = tail();
            append(store, 20);
            append(store, 20);
        }
        forgetAppliedAfter(afterFirst);
        return afterFirst;
    }
}
