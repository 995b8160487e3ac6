package org.kalaja.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.testkit.FaultyStore;
import org.kalaja.testkit.FaultyStore.Fault;

/** The testkit's {@link FaultyStore} over a real store: it fails exactly what it was told to. */
class FaultyStoreOnSqliteTest {
    @TempDir
    Path dir;
    private FaultyStore store;
    private final AtomicInteger workRuns = new AtomicInteger();

    @BeforeEach
    void open() {
        store = new FaultyStore(SqliteStore.open(dir.resolve("kalaja.db")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void appendOne() {
        store.write(tx -> {
            workRuns.incrementAndGet();
            tx.append(tx.size(), new byte[] {1}, -1);
            return null;
        });
    }

    @Test
    void nthWriteFailsBeforeItsWorkRunsAndOnlyThatOne() {
        store.failWrite(2, Fault.BEFORE_WORK);
        appendOne();
        assertThatThrownBy(this::appendOne).isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isTrue());
        appendOne();
        assertThat(workRuns).hasValue(2);
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.writes()).isEqualTo(3);
    }

    @Test
    void failureAfterTheWorkKeepsNothingAlthoughTheWorkRan() {
        store.failWrite(1, Fault.AFTER_WORK);
        assertThatThrownBy(this::appendOne).isInstanceOf(StoreException.class).hasMessageContaining("rolled back");
        assertThat(workRuns).hasValue(1);
        assertThat(store.delegate().size()).isZero();
    }

    @Test
    void lostAcknowledgementKeepsTheTransactionButReportsFailure() {
        store.failWrite(1, Fault.AFTER_COMMIT);
        assertThatThrownBy(this::appendOne).isInstanceOf(StoreException.class).hasMessageContaining("WAS kept");
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void integrationsFailOnTheirOwnCount() {
        store.failIntegrate(1, Fault.AFTER_WORK);
        appendOne();
        assertThatThrownBy(() -> store.integrate(tx -> {
            tx.putCheckpoint(1, "cp");
            return null;
        })).isInstanceOf(StoreException.class);
        assertThat(store.latestCheckpoint()).isEmpty();
        store.integrate(tx -> {
            tx.putCheckpoint(1, "cp");
            return null;
        });
        assertThat(store.latestCheckpoint()).contains("cp");
        assertThat(store.integrations()).isEqualTo(2);
    }

    @Test
    void fullDiskRefusesEveryWriteButNotReadsUntilSpaceIsFreed() {
        appendOne();
        store.diskFull(true);
        assertThatThrownBy(this::appendOne).isInstanceOf(StoreException.class).hasMessageContaining("disk is full");
        assertThatThrownBy(() -> store.integrate(tx -> null)).isInstanceOf(StoreException.class);
        assertThatThrownBy(() -> store.putMeta("a", "b")).isInstanceOf(StoreException.class);
        assertThat(store.size()).isEqualTo(1);
        assertThat(workRuns).hasValue(1);

        store.diskFull(false);
        appendOne();
        assertThat(store.size()).isEqualTo(2);
    }
}
