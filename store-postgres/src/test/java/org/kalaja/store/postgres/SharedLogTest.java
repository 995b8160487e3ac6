package org.kalaja.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoreException;
import org.kalaja.engine.spi.StoredEntry;

/** Several nodes, each with its own pool, sharing one database and one log. */
class SharedLogTest {

    @Test
    void twoNodesWritingFromSeveralThreadsProduceOneContiguousLogHoldingEveryWrite() throws Exception {
        String url = TestDatabases.freshDatabase();
        int threadsPerNode = 3;
        int writesPerThread = 30;
        try (PostgresStore a = TestDatabases.open(url); PostgresStore b = TestDatabases.open(url)) {
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
            Map<String, Future<List<Long>>> firstIndexes = new HashMap<>();
            for (PostgresStore node : List.of(a, b)) {
                String name = node == a ? "a" : "b";
                for (int t = 0; t < threadsPerNode; t++) {
                    String writer = name + t;
                    firstIndexes.put(writer, pool.submit(() -> writeMany(node, writer, writesPerThread)));
                }
            }
            Set<String> expected = new HashSet<>();
            Map<String, Long> expectedKeys = new HashMap<>();
            for (Map.Entry<String, Future<List<Long>>> w : firstIndexes.entrySet()) {
                List<Long> firsts = w.getValue().get(60, TimeUnit.SECONDS);
                for (int seq = 0; seq < writesPerThread; seq++) {
                    for (int i = 0; i < entriesIn(seq); i++) expected.add(payload(w.getKey(), seq, i));
                    expectedKeys.put(w.getKey() + "/" + seq, firsts.get(seq));
                    assertThat(a.entry(firsts.get(seq))).map(e -> text(e.data()))
                            .contains(payload(w.getKey(), seq, 0));
                }
            }
            pool.shutdown();

            List<StoredEntry> log = new ArrayList<>();
            b.entries(0, Long.MAX_VALUE, log::add);
            assertThat(a.size()).isEqualTo(expected.size()).isEqualTo(b.size());
            for (int i = 0; i < log.size(); i++) assertThat(log.get(i).index()).isEqualTo(i);
            assertThat(log).extracting(e -> text(e.data())).containsExactlyInAnyOrderElementsOf(expected);
            Map<String, Long> keys = new HashMap<>();
            a.idempotencyKeys(k -> keys.put(k.key(), k.index()));
            assertThat(keys).isEqualTo(expectedKeys);
            List<RecordState> states = new ArrayList<>();
            b.states(states::add);
            assertThat(states).hasSize(2 * threadsPerNode);
        }
    }

    /** Writes {@code count} transactions of 1 to 17 entries; returns the first index each got. */
    private static List<Long> writeMany(Store node, String writer, int count) {
        List<Long> firsts = new ArrayList<>();
        for (int seq = 0; seq < count; seq++) {
            int s = seq;
            firsts.add(node.write(tx -> {
                long first = tx.size();
                RecordId rid = new RecordId("writers", writer);
                long version = tx.states(List.of(rid)).values().stream().mapToLong(RecordState::version).sum() + 1;
                for (int i = 0; i < entriesIn(s); i++) {
                    tx.append(first + i, payload(writer, s, i).getBytes(StandardCharsets.UTF_8), -1);
                }
                tx.putState(new RecordState(rid, version, first, false));
                tx.putIdempotencyKey(writer + "/" + s, first);
                return first;
            }));
        }
        return firsts;
    }

    private static int entriesIn(int seq) {
        return 1 + (seq * 7) % 17;
    }

    private static String payload(String writer, int seq, int i) {
        return writer + " write " + seq + " entry " + i;
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void integrationHoldsItsOwnLockSoWritersContinueWhileOtherNodesIntegrationWaits() throws Exception {
        String url = TestDatabases.freshDatabase();
        try (PostgresStore a = TestDatabases.open(url); PostgresStore b = TestDatabases.open(url)) {
            ExecutorService pool = Executors.newFixedThreadPool(3);
            CountDownLatch aInside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch bInside = new CountDownLatch(1);
            Future<?> first = pool.submit(() -> a.integrate(tx -> {
                aInside.countDown();
                await(release);
                tx.putCheckpoint(1, "checkpoint from a\n");
                return null;
            }));
            assertThat(aInside.await(10, TimeUnit.SECONDS)).isTrue();

            Future<Long> writes = pool.submit(() -> {
                for (int i = 0; i < 5; i++) {
                    b.write(tx -> {
                        tx.append(tx.size(), new byte[] {1}, -1);
                        return null;
                    });
                }
                return b.size();
            });
            assertThat(writes.get(10, TimeUnit.SECONDS)).isEqualTo(5);

            Future<?> second = pool.submit(() -> b.integrate(tx -> {
                bInside.countDown();
                assertThat(tx.latestCheckpoint()).contains("checkpoint from a\n");
                tx.putCheckpoint(5, "checkpoint from b\n");
                return null;
            }));
            assertThat(bInside.await(500, TimeUnit.MILLISECONDS)).as("b integrates while a does").isFalse();
            release.countDown();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
            pool.shutdown();
            assertThat(a.latestCheckpoint()).contains("checkpoint from b\n");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) throw new AssertionError("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void nodesOpeningAnEmptyDatabaseTogetherAllSucceedAndShareTheTables() throws Exception {
        String url = TestDatabases.freshDatabase();
        int nodes = 4;
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        List<Future<PostgresStore>> opened = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            opened.add(pool.submit(() -> {
                start.await();
                return TestDatabases.open(url);
            }));
        }
        List<PostgresStore> stores = new ArrayList<>();
        for (Future<PostgresStore> f : opened) stores.add(f.get(30, TimeUnit.SECONDS));
        pool.shutdown();
        stores.get(0).putMeta("origin", "shared");
        for (PostgresStore s : stores) {
            assertThat(s.meta("origin")).contains("shared");
            s.close();
        }
    }

    @Test
    void tablesOfANewerLayoutAreRefusedWithAMessageSayingWhatToDo() throws Exception {
        String url = TestDatabases.freshDatabase();
        TestDatabases.open(url).close();
        try (Connection c = DriverManager.getConnection(url, TestDatabases.USER, TestDatabases.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("UPDATE kalaja_schema SET version = " + (Schema.VERSION + 1));
        }
        assertThatThrownBy(() -> TestDatabases.open(url))
                .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("layout version " + (Schema.VERSION + 1))
                .hasMessageContaining("upgrade Kalaja");
    }
}
