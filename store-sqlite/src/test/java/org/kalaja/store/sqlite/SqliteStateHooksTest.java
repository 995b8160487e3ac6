package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoreException;

/**
 * What the SQLite driver does for the sentinel: its foreign-write marker, and the crash semantics of
 * a state repair (a frame whose removals are replayed like its puts).
 */
class SqliteStateHooksTest {
    private static final RecordId A = new RecordId("c", "A");
    private static final RecordId FAKE = new RecordId("c", "FAKE");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("kalaja.db");
    }

    /** Runs SQL on a connection of its own, as another process (an intruder with the file) would. */
    private void outside(String... sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file()); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    @Test
    void foreignCommitChangesMarkerOwnWritesDoNot() throws Exception {
        Path wal = dir.resolve("kalaja.db-wal");
        try (SqliteStore store = SqliteStore.open(file(), SqliteCheckpointerTest.SMALL)) {
            long marker = store.foreignWriteMarker().orElseThrow();
            for (int i = 0; i < 60; i++) SqliteCheckpointerTest.write(store, 100); // 6 MiB: passive checkpoints and restarts of the WAL
            store.integrate(tx -> {
                tx.putTile(0, 0, new byte[32]);
                return null;
            });
            store.putMeta("origin", "example.org/log");
            List<RecordState> rows = new ArrayList<>();
            assertThat(store.scanStates(rows::add)).isEqualTo(6000);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (Files.size(wal) > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(Files.size(wal)).as("the idle store's WAL was truncated (by the writer)").isZero();
            assertThat(store.foreignWriteMarker()).as("own writes, checkpoints and reads").hasValue(marker);

            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                    ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM state")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(6000);
            }
            assertThat(store.foreignWriteMarker()).as("another process reading").hasValue(marker);

            outside("UPDATE state SET version = 7 WHERE key = 'k42'");
            long moved = store.foreignWriteMarker().orElseThrow();
            assertThat(moved).as("another process committing").isNotEqualTo(marker);
            SqliteCheckpointerTest.write(store, 1);
            assertThat(store.foreignWriteMarker()).hasValue(moved);
        }
    }

    @Test
    void aReadOnlyStoreHasNoMarker() {
        try (SqliteStore store = SqliteStore.open(file())) {
            SqliteCheckpointerTest.write(store, 1);
        }
        try (SqliteStore store = SqliteStore.openReadOnly(file())) {
            assertThat(store.foreignWriteMarker()).isEmpty();
        }
    }

    /** A tampered row, an inserted one, and the repair that puts them right: one frame. */
    private void repair(SqliteStore store, boolean apply) {
        store.write(tx -> {
            tx.append(0, "A v1".getBytes(StandardCharsets.UTF_8), -1);
            tx.putState(new RecordState(A, 1, 0, false));
            return null;
        });
        try {
            outside("UPDATE state SET version = 5, idx = 0 WHERE key = 'A'", "INSERT INTO state VALUES ('c', 'FAKE', 1, 0, 0)");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        SqliteStore.Work<org.kalaja.engine.spi.WriteTransaction, Object> fix = tx -> {
            tx.append(1, "incident".getBytes(StandardCharsets.UTF_8), -1);
            tx.putState(new RecordState(A, 1, 0, false));
            tx.removeState(FAKE);
            return null;
        };
        if (apply) {
            store.write(fix);
        } else {
            assertThatThrownBy(() -> store.writeWithoutApplying(fix)).isInstanceOf(StoreException.class);
        }
    }

    private void assertRepaired() {
        try (SqliteStore store = SqliteStore.open(file())) {
            assertThat(store.size()).isEqualTo(2);
            List<RecordState> rows = new ArrayList<>();
            store.scanStates(rows::add);
            assertThat(rows).containsExactly(new RecordState(A, 1, 0, false));
        }
    }

    @Test
    void aRepairKilledBeforeTheDatabaseAppliedItIsReplayedOnOpenRemovalsIncluded() {
        try (SqliteStore store = SqliteStore.open(file())) {
            repair(store, false);
            assertThat(store.state(FAKE)).as("not applied yet").isPresent();
        }
        assertRepaired();
    }

    /**
     * Power lost after the repair: the database keeps the intruder's commit but loses the repair's
     * (synchronous=NORMAL); the repair's frame is in the log and is applied again on open.
     */
    @Test
    void aRepairWhoseDatabaseCommitAPowerLossUndidIsReplayedAndTheTamperedRowsDoNotReturn() throws Exception {
        try (SqliteStore store = SqliteStore.open(file())) {
            repair(store, true);
            assertThat(store.state(FAKE)).isEmpty();
        }
        long[] tail;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
                ResultSet rs = c.createStatement().executeQuery("SELECT first, segment, offset FROM entry_chunks WHERE first = 1")) {
            assertThat(rs.next()).isTrue();
            tail = new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3) - Frame.HEADER}; // the repair frame's start
        }
        outside("UPDATE log_tail SET size = " + tail[0] + ", segment = " + tail[1] + ", end_offset = " + tail[2],
                "DELETE FROM entry_chunks WHERE first >= 1",
                "UPDATE state SET version = 5 WHERE key = 'A'", "INSERT INTO state VALUES ('c', 'FAKE', 1, 0, 0)");
        assertRepaired();
    }
}
