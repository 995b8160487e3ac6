package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;

/**
 * What the state audit and repair need from a driver: a state scan from one snapshot, the removal of
 * a state row, and a foreign-write marker that the store's own work does not move. Drivers extend
 * {@link StoreContract}, not this.
 */
abstract class StateContract extends WriteContract {

    @Test
    void scanStatesVisitsEveryRowOfEveryCollectionAndReturnsTheLogSize() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.append(1, body(1), -1);
            tx.putState(new RecordState(id("b", "x"), 1, 0, false));
            tx.putState(new RecordState(id("a", "gone"), 2, 1, true));
            tx.putState(new RecordState(id("kalaja.tokens", "t1"), 1, 1, false));
            return null;
        });
        List<RecordState> seen = new ArrayList<>();
        assertThat(store.scanStates(seen::add)).isEqualTo(2);
        assertThat(seen).containsExactly(new RecordState(id("a", "gone"), 2, 1, true),
                new RecordState(id("b", "x"), 1, 0, false), new RecordState(id("kalaja.tokens", "t1"), 1, 1, false));
    }

    /** Two rows change in every commit; a scan that mixed two commits would see them differ, or differ from the size. */
    @Test
    void scanStatesSeesOneSnapshot() throws Exception {
        RecordId first = id("c", "first");
        RecordId last = id("c", "last");
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 300; i++) {
                store.write(tx -> {
                    long at = tx.size();
                    tx.append(at, body(at), at - 1);
                    tx.putState(new RecordState(first, at + 1, at, false));
                    tx.putState(new RecordState(last, at + 1, at, false));
                    return null;
                });
            }
        });
        int scans = 0;
        try {
            while (writer.isAlive() || scans == 0) {
                List<RecordState> seen = new ArrayList<>();
                long size = store.scanStates(seen::add);
                scans++;
                if (size == 0) {
                    assertThat(seen).isEmpty();
                    continue;
                }
                assertThat(seen).as("both rows as of log size %d", size).containsExactly(
                        new RecordState(first, size, size - 1, false), new RecordState(last, size, size - 1, false));
            }
        } finally {
            writer.join();
        }
        assertThat(scans).isPositive();
    }

    @Test
    void aScanWhoseVisitorThrowsStopsAndLeavesTheStoreUsable() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id("a", "x"), 1, 0, false));
            tx.putState(new RecordState(id("a", "y"), 1, 0, false));
            return null;
        });
        assertThatThrownBy(() -> store.scanStates(s -> {
            throw new Abort();
        })).isInstanceOf(Abort.class);
        appendEntries(store, 1);
        assertThat(store.scanStates(s -> { })).isEqualTo(2);
    }

    @Test
    void removeStateDeletesTheRowDurablyAndIgnoresAnAbsentOne() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id("a", "kept"), 1, 0, false));
            tx.putState(new RecordState(id("a", "inserted"), 1, 0, false));
            return null;
        });
        store.write(tx -> {
            tx.append(1, body(1), -1);
            tx.removeState(id("a", "inserted"));
            tx.removeState(id("a", "never"));
            return null;
        });
        assertThat(statesInWrite(List.of(id("a", "inserted"), id("a", "kept")))).containsOnlyKeys(id("a", "kept"));
        reopenStore();
        assertThat(store.state(id("a", "inserted"))).isEmpty();
        assertThat(allStates(store)).containsExactly(new RecordState(id("a", "kept"), 1, 0, false));
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void aRemovalInAFailedTransactionIsNotKept() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id("a", "x"), 1, 0, false));
            return null;
        });
        assertThatThrownBy(() -> store.write(tx -> {
            tx.append(1, body(1), -1);
            tx.removeState(id("a", "x"));
            throw new Abort();
        })).isInstanceOf(Abort.class);
        reopenStore();
        assertThat(store.state(id("a", "x"))).isPresent();
    }

    /** The marker MUST NOT move for the store's own commits, integrations, meta updates and reads. */
    @Test
    void ownWritesDoNotMoveTheForeignWriteMarker() {
        OptionalLong before = store.foreignWriteMarker();
        for (int i = 0; i < 50; i++) {
            store.write(tx -> {
                long at = tx.size();
                tx.append(at, body(at), -1);
                tx.putState(new RecordState(id("a", "k" + at), 1, at, false));
                return null;
            });
        }
        store.integrate(tx -> {
            tx.putTile(0, 0, tileOf(1, 1));
            return null;
        });
        store.putMeta("origin", "example.org/log");
        assertThat(store.scanStates(s -> { })).isEqualTo(50);
        assertThat(allEntries(store)).hasSize(50);
        assertThat(store.foreignWriteMarker()).isEqualTo(before);
    }
}
