package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;

/**
 * The behaviour every {@link Store} driver MUST show. A driver's test extends this class and says how
 * to open a fresh store and how to reopen one; every test here then runs against that driver.
 *
 * <pre>{@code
 * class SqliteStoreTest extends StoreContract {
 *     @TempDir Path dir;
 *     protected Store newStore() { return SqliteStore.open(dir.resolve("kalaja.db")); }
 *     protected Store reopen(Store store) { store.close(); return SqliteStore.open(dir.resolve("kalaja.db")); }
 * }
 * }</pre>
 *
 * <p>The tests in the superclasses cover transactions ({@code write}, {@code integrate}, appends,
 * state, idempotency keys, blobs, tiles, checkpoints, meta); this class covers reads, visitors,
 * concurrency and durability across a restart.
 */
public abstract class StoreContract extends StateContract {

    @Test
    void listReturnsLiveRecordsOfOneCollectionInBinaryKeyOrderPageByPage() {
        List<String> keys = List.of("b", "a", "B", "a0", "z", "\uFFFD", "\uD83D\uDE00", "deleted", "é");
        store.write(tx -> {
            long i = tx.size();
            for (String key : keys) {
                tx.append(i, body(i), -1);
                tx.putState(new RecordState(id("people", key), 1, i, key.equals("deleted")));
                i++;
            }
            tx.append(i, body(i), -1);
            tx.putState(new RecordState(id("peoplf", "a"), 1, i, false));
            return null;
        });
        // Binary order of the UTF-8 bytes: U+FFFD (EF BF BD) sorts before U+1F600 (F0 ...),
        // although String.compareTo puts the emoji's surrogates (D83D) first.
        List<String> expected = List.of("B", "a", "a0", "b", "z", "é", "\uFFFD", "\uD83D\uDE00");

        assertThat(store.list("people", "", 100)).extracting(s -> s.id().key()).isEqualTo(expected);
        assertThat(store.list("people", "", 3)).extracting(s -> s.id().key()).containsExactly("B", "a", "a0");
        assertThat(store.list("people", "a0", 3)).extracting(s -> s.id().key()).containsExactly("b", "z", "é");
        assertThat(store.list("people", "a00", 2)).extracting(s -> s.id().key()).containsExactly("b", "z");
        assertThat(store.list("people", "\uD83D\uDE00", 3)).isEmpty();
        assertThat(store.list("people", "", 100)).allSatisfy(s -> assertThat(s.deleted()).isFalse());
        assertThat(store.list("nobody", "", 100)).isEmpty();
    }

    @Test
    void snapshotReadsTheSizeWithTheStatesAndKeysOfThatSize() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id("a", "x"), 1, 0, false));
            tx.append(1, body(1), -1);
            tx.putState(new RecordState(id("a", "gone"), 2, 1, true));
            tx.putIdempotencyKey("clerk k1", 1);
            return null;
        });
        Store.Snapshot snapshot = store.snapshot(List.of(id("a", "x"), id("a", "gone"), id("a", "never")),
                List.of("clerk k1", "clerk k2"));
        assertThat(snapshot.size()).isEqualTo(2);
        assertThat(snapshot.states()).containsOnlyKeys(id("a", "x"), id("a", "gone"));
        assertThat(snapshot.states().get(id("a", "gone"))).isEqualTo(new RecordState(id("a", "gone"), 2, 1, true));
        assertThat(snapshot.idempotencyKeys()).containsExactly(Map.entry("clerk k1", 1L));
        assertThat(store.snapshot(List.of(), List.of())).isEqualTo(new Store.Snapshot(2, Map.of(), Map.of()));
    }

    /** The sequencer reads snapshots while it commits: a snapshot never mixes two commits. */
    @Test
    void snapshotsTakenDuringCommitsNeverMixTwoCommits() throws Exception {
        RecordId counter = id("c", "counter");
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 200; i++) {
                store.write(tx -> {
                    long at = tx.size();
                    tx.append(at, body(at), at - 1);
                    tx.putState(new RecordState(counter, at + 1, at, false));
                    return null;
                });
            }
        });
        try {
            while (writer.isAlive()) {
                Store.Snapshot snapshot = store.snapshot(List.of(counter), List.of());
                RecordState state = snapshot.states().get(counter);
                long version = state == null ? 0 : state.version();
                assertThat(version).as("the counter's version is the log size it was written at").isEqualTo(snapshot.size());
            }
        } finally {
            writer.join();
        }
    }

    @Test
    void statesVisitorSeesEveryRecordDeletedOnesTooByCollectionThenKey() {
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id("b", "x"), 1, 0, false));
            tx.putState(new RecordState(id("a", "y"), 3, 0, true));
            tx.putState(new RecordState(id("a", "Z"), 1, 0, false));
            tx.putState(new RecordState(id("ab", "a"), 2, 0, false));
            return null;
        });
        assertThat(allStates(store)).extracting(s -> s.id().toString())
                .containsExactly("a/Z", "a/y", "ab/a", "b/x");
        assertThat(allStates(store).get(1)).isEqualTo(new RecordState(id("a", "y"), 3, 0, true));
    }

    @Test
    void idempotencyKeysVisitorSeesEveryKeyInOrder() {
        store.write(tx -> {
            for (int i = 0; i < 4; i++) tx.append(i, body(i), -1);
            tx.putIdempotencyKey("req-b", 0);
            tx.putIdempotencyKey("req-B", 1);
            tx.putIdempotencyKey("req-a", 3);
            return null;
        });
        assertThat(allIdempotencyKeys(store)).containsExactly(
                new Store.IdempotencyKey("req-B", 1), new Store.IdempotencyKey("req-a", 3),
                new Store.IdempotencyKey("req-b", 0));
    }

    @Test
    void visitorThatThrowsStopsTheVisitAndItsExceptionPropagates() {
        appendEntries(store, 10);
        List<Long> seen = new ArrayList<>();
        Abort abort = new Abort();
        assertThatThrownBy(() -> store.entries(0, 10, e -> {
            seen.add(e.index());
            if (e.index() == 3) throw abort;
        })).isSameAs(abort);
        assertThat(seen).containsExactly(0L, 1L, 2L, 3L);
        assertThat(store.size()).isEqualTo(10); // the store still works after an aborted visit
    }

    @Test
    void namesOfUpTo255Utf8BytesAreKeptAndComparedExactly() {
        String longest = "ë".repeat(127) + "x"; // 255 UTF-8 bytes
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.putState(new RecordState(id(longest, longest), 1, 0, false));
            tx.putState(new RecordState(id("Case", "key"), 1, 0, false));
            tx.putState(new RecordState(id("case", "KEY"), 2, 0, false));
            return null;
        });
        assertThat(store.state(id(longest, longest))).isPresent();
        assertThat(store.state(id("Case", "key")).orElseThrow().version()).isEqualTo(1);
        assertThat(store.state(id("case", "KEY")).orElseThrow().version()).isEqualTo(2);
        assertThat(store.state(id("case", "key"))).isEmpty();
        assertThat(store.state(id("case", "KEY "))).isEmpty();
    }

    @Test
    void entriesStreamsALargeRangeInOrderAndOnlyCommittedOnes() {
        int total = 50_000;
        for (int done = 0; done < total; done += 5_000) appendEntries(store, 5_000);
        long[] next = {0};
        store.entries(0, total + 1_000, e -> {
            assertThat(e.index()).isEqualTo(next[0]);
            assertThat(e.data()).isEqualTo(body(next[0]));
            next[0]++;
        });
        assertThat(next[0]).isEqualTo(total);

        List<Long> middle = new ArrayList<>();
        store.entries(20_000, 20_005, e -> middle.add(e.index()));
        assertThat(middle).containsExactly(20_000L, 20_001L, 20_002L, 20_003L, 20_004L);
        store.entries(7, 7, e -> middle.add(-1L));
        store.entries(total, total + 10, e -> middle.add(-1L));
        assertThat(middle).hasSize(5);
    }

    @Test
    @Timeout(60)
    void readsDuringAnOpenWriteSeeOnlyCommittedDataAndDoNotWaitForIt() throws Exception {
        appendEntries(store, 5);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch readDone = new CountDownLatch(1);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> write = writer.submit(() -> store.write(tx -> {
                tx.append(5, body(5), -1);
                tx.putState(new RecordState(id("c", "k"), 1, 5, false));
                writing.countDown();
                try {
                    return readDone.await(20, TimeUnit.SECONDS); // the transaction stays open meanwhile
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
            assertThat(writing.await(20, TimeUnit.SECONDS)).isTrue();

            assertThat(store.size()).isEqualTo(5);
            assertThat(store.entry(5)).isEmpty();
            assertThat(store.state(id("c", "k"))).isEmpty();
            assertThat(allEntries(store)).hasSize(5);
            readDone.countDown();

            assertThat(write.get(30, TimeUnit.SECONDS)).as("the reader ran while the write was open").isTrue();
            assertThat(store.size()).isEqualTo(6);
            assertThat(store.state(id("c", "k"))).isPresent();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    @Timeout(120)
    void concurrentReadersSeeWholeTransactionsOnly() throws Exception {
        int perTransaction = 10;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    int checks = 0;
                    while (writing.get() || checks == 0) {
                        assertThat(store.size() % perTransaction).isZero();
                        assertThat(versions(store.list("counter", "", 100))).hasSizeLessThanOrEqualTo(1);
                        assertThat(versions(allStates(store))).hasSizeLessThanOrEqualTo(1);
                        assertThat(allEntries(store).size() % perTransaction).isZero();
                        checks++;
                    }
                    return checks;
                }));
            }
            for (long version = 1; version <= 60; version++) {
                long v = version;
                store.write(tx -> {
                    long at = tx.size();
                    for (int k = 0; k < perTransaction; k++) {
                        tx.append(at + k, body(at + k), -1);
                        tx.putState(new RecordState(id("counter", "k" + k), v, at + k, false));
                    }
                    return null;
                });
            }
            writing.set(false);
            for (Future<Integer> reader : readers) assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        assertThat(store.size()).isEqualTo(600);
    }

    private static Set<Long> versions(List<RecordState> states) {
        Set<Long> versions = new HashSet<>();
        for (RecordState s : states) versions.add(s.version());
        return versions;
    }

    @Test
    @Timeout(120)
    void concurrentWritersKeepTheLogContiguousWithoutDuplicates() throws Exception {
        int threads = 4;
        int transactions = 40;
        int perTransaction = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int n = 0; n < transactions; n++) {
                        int transaction = n;
                        store.write(tx -> {
                            long at = tx.size();
                            for (int k = 0; k < perTransaction; k++) {
                                byte[] who = ByteBuffer.allocate(12).putInt(thread).putInt(transaction).putInt(k).array();
                                tx.append(at + k, who, -1);
                            }
                            return null;
                        });
                    }
                }));
            }
            for (Future<?> f : done) f.get(100, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        List<StoredEntry> entries = allEntries(store);
        assertThat(store.size()).isEqualTo((long) threads * transactions * perTransaction);
        assertThat(entries).hasSize(threads * transactions * perTransaction);
        Set<ByteBuffer> distinct = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            assertThat(entries.get(i).index()).isEqualTo(i);
            distinct.add(ByteBuffer.wrap(entries.get(i).data()));
        }
        assertThat(distinct).hasSize(entries.size());
    }

    @Test
    void everythingCommittedSurvivesAReopen() {
        byte[] content = "blob content".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        store.write(tx -> {
            tx.append(0, body(0), -1);
            tx.append(1, body(1), 0);
            tx.putState(new RecordState(id("c", "k"), 2, 1, false));
            tx.putIdempotencyKey("req-1", 1);
            tx.putBlob(sha256(content), content);
            return null;
        });
        store.integrate(tx -> {
            tx.putTile(0, 0, tileOf(2, 9));
            tx.putCheckpoint(2, "log\n2\nroot\n");
            return null;
        });
        store.putMeta("origin", "kalaja.example/log");

        reopenStore();

        assertThat(store.size()).isEqualTo(2);
        assertThat(allEntries(store)).extracting(StoredEntry::data).containsExactly(body(0), body(1));
        assertThat(store.entry(1).orElseThrow().previousIndex()).isZero();
        assertThat(store.state(id("c", "k"))).contains(new RecordState(id("c", "k"), 2, 1, false));
        assertThat(idempotencyKeysInWrite(List.of("req-1"))).containsEntry("req-1", 1L);
        assertThat(store.blob(sha256(content))).hasValueSatisfying(b -> assertThat(b).isEqualTo(content));
        assertThat(store.tile(0, 0)).hasValueSatisfying(t -> assertThat(t).isEqualTo(tileOf(2, 9)));
        assertThat(store.latestCheckpoint()).contains("log\n2\nroot\n");
        assertThat(store.meta("origin")).contains("kalaja.example/log");
        appendEntries(store, 1);
        assertThat(store.size()).isEqualTo(3);
    }

    @Test
    void aFailedTransactionLeavesNothingAfterAReopenEither() {
        appendEntries(store, 2);
        assertThatThrownBy(() -> store.write(tx -> {
            tx.append(2, body(2), -1);
            tx.putState(new RecordState(id("c", "k"), 1, 2, false));
            throw new Abort();
        })).isInstanceOf(Abort.class);

        reopenStore();

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.state(id("c", "k"))).isEmpty();
    }
}
