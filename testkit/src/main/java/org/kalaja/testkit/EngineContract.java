package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.HistoryItem;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.ProofVerifier;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/**
 * What the records engine and the transparency log must do on every store driver. A driver's test
 * extends this and supplies a fresh, empty store.
 */
public abstract class EngineContract {
    protected static final Caller CLERK = Caller.of("token:clerk", "127.0.0.1", "contract-test");
    protected static final String ORIGIN = "test.kalaja.example/log";

    protected Store store;
    protected LogIdentity identity;
    protected RecordsEngine engine;
    protected TransparencyLog log;

    /** A fresh, empty store; the contract closes it. */
    protected abstract Store newStore();

    @BeforeEach
    void openEngine() {
        store = newStore();
        identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        engine = RecordsEngine.open(store, EngineConfig.defaults().withCheckpointInterval(java.time.Duration.ofHours(1)));
        log = TransparencyLog.open(engine, identity);
    }

    @AfterEach
    void closeEngine() {
        log.close();
        engine.close();
        store.close();
    }

    protected WriteResult put(String key, String json) throws Exception {
        return engine.put(CLERK, "certificates", key, json.getBytes(UTF_8), -1, "").get();
    }

    protected static Problem problemOf(CompletableFuture<?> future) {
        try {
            future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException ee) return ee.problem();
            throw new AssertionError("expected an EngineException, got " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the write to fail");
    }

    @Test
    void newLogStartsWithItsIdentityEntry() {
        assertThat(engine.size()).isEqualTo(1);
    }

    @Test
    void putCreatesThenReplacesWithIncreasingVersions() throws Exception {
        WriteResult first = put("BC-1", "{\"name\": \"Arta\",  \"born\": \"2001-02-03\"}");
        WriteResult second = put("BC-1", "{\"name\":\"Arta Hoxha\"}");
        assertThat(first.created()).isTrue();
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.created()).isFalse();
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.index()).isEqualTo(first.index() + 1);
        RecordVersion current = engine.get("certificates", "BC-1").orElseThrow();
        assertThat(new String(current.json(), UTF_8)).isEqualTo("{\"name\":\"Arta Hoxha\"}");
        assertThat(current.actor()).isEqualTo("token:clerk");
    }

    @Test
    void bodyIsStoredCompactSoWhitespaceNeverChangesTheLog() throws Exception {
        put("BC-2", "{ \"a\" : [1, 2,\n 3] }");
        assertThat(new String(engine.get("certificates", "BC-2").orElseThrow().json(), UTF_8)).isEqualTo("{\"a\":[1,2,3]}");
    }

    @Test
    void invalidBodiesAndNamesAreRefusedBeforeAnythingIsWritten() {
        long before = engine.size();
        for (String bad : List.of("", "[1]", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "{bad", "\"text\"")) {
            assertThatThrownBy(() -> engine.put(CLERK, "certificates", "k", bad.getBytes(UTF_8), -1, ""))
                    .isInstanceOf(EngineException.class).extracting(e -> ((EngineException) e).problem()).isEqualTo(Problem.INVALID);
        }
        for (String[] name : new String[][] {{"Certificates", "k"}, {"kalaja.tokens", "k"}, {"c", "../x"}, {"c", ""}}) {
            assertThatThrownBy(() -> engine.put(CLERK, name[0], name[1], "{}".getBytes(UTF_8), -1, ""))
                    .isInstanceOf(EngineException.class);
        }
        assertThat(engine.size()).isEqualTo(before);
    }

    @Test
    void expectedVersionMismatchIsAConflictAndWritesNothing() throws Exception {
        put("BC-3", "{\"v\":1}");
        long before = engine.size();
        assertThat(problemOf(engine.put(CLERK, "certificates", "BC-3", "{\"v\":2}".getBytes(UTF_8), 7, ""))).isEqualTo(Problem.VERSION_CONFLICT);
        assertThat(problemOf(engine.put(CLERK, "certificates", "BC-3", "{\"v\":2}".getBytes(UTF_8), 0, ""))).isEqualTo(Problem.VERSION_CONFLICT);
        assertThat(engine.size()).isEqualTo(before);
        assertThat(engine.put(CLERK, "certificates", "BC-3", "{\"v\":2}".getBytes(UTF_8), 1, "").get().version()).isEqualTo(2);
    }

    @Test
    void deleteLeavesHistoryAndARecreatedRecordContinuesCounting() throws Exception {
        put("BC-4", "{\"v\":1}");
        WriteResult deleted = engine.delete(CLERK, "certificates", "BC-4", -1, "").get();
        assertThat(engine.get("certificates", "BC-4")).isEmpty();
        assertThat(problemOf(engine.delete(CLERK, "certificates", "BC-4", -1, ""))).isEqualTo(Problem.NOT_FOUND);
        WriteResult again = put("BC-4", "{\"v\":3}");
        assertThat(again.version()).isEqualTo(3);
        assertThat(again.created()).isTrue();
        List<HistoryItem> history = engine.history("certificates", "BC-4", Long.MAX_VALUE, 10);
        assertThat(history).extracting(HistoryItem::version).containsExactly(3L, 2L, 1L);
        assertThat(history).extracting(HistoryItem::deleted).containsExactly(false, true, false);
        assertThat(history.get(1).index()).isEqualTo(deleted.index());
        assertThat(engine.history("certificates", "BC-4", 3, 1)).extracting(HistoryItem::version).containsExactly(2L);
    }

    @Test
    void retriedRequestWithTheSameIdempotencyKeyAppendsOnce() throws Exception {
        byte[] body = "{\"applicant\":\"A\"}".getBytes(UTF_8);
        WriteResult first = engine.put(CLERK, "applications", "A-1", body, -1, "req-42").get();
        long size = engine.size();
        WriteResult retry = engine.put(CLERK, "applications", "A-1", body, -1, "req-42").get();
        assertThat(retry.replayed()).isTrue();
        assertThat(retry.index()).isEqualTo(first.index());
        assertThat(retry.version()).isEqualTo(first.version());
        assertThat(engine.size()).isEqualTo(size);
        assertThat(problemOf(engine.put(CLERK, "applications", "A-1", "{\"applicant\":\"B\"}".getBytes(UTF_8), -1, "req-42")))
                .isEqualTo(Problem.IDEMPOTENCY_KEY_REUSED);
        Caller other = Caller.of("token:other", "", "");
        assertThat(engine.put(other, "applications", "A-1", body, -1, "req-42").get().replayed())
                .as("keys are per actor").isFalse();
    }

    @Test
    void retriesInsideOneGroupCommitAlsoAppendOnce() throws Exception {
        byte[] body = "{\"x\":1}".getBytes(UTF_8);
        List<CompletableFuture<WriteResult>> futures = new ArrayList<>();
        for (int i = 0; i < 50; i++) futures.add(engine.put(CLERK, "applications", "same", body, -1, "k-1"));
        long index = futures.get(0).get().index();
        for (CompletableFuture<WriteResult> f : futures) assertThat(f.get().index()).isEqualTo(index);
        assertThat(engine.history("applications", "same", Long.MAX_VALUE, 100)).hasSize(1);
    }

    @Test
    void readsAsOfAnIndexAndATime() throws Exception {
        WriteResult v1 = put("BC-5", "{\"v\":1}");
        Instant between = engine.get("certificates", "BC-5").orElseThrow().time();
        Thread.sleep(5);
        WriteResult v2 = put("BC-5", "{\"v\":2}");
        assertThat(new String(engine.getAt("certificates", "BC-5", v1.index()).orElseThrow().json(), UTF_8)).isEqualTo("{\"v\":1}");
        assertThat(new String(engine.getAt("certificates", "BC-5", v2.index()).orElseThrow().json(), UTF_8)).isEqualTo("{\"v\":2}");
        assertThat(engine.getAt("certificates", "BC-5", v1.index() - 1)).isEmpty();
        assertThat(new String(engine.getAsOf("certificates", "BC-5", between).orElseThrow().json(), UTF_8)).isEqualTo("{\"v\":1}");
        assertThat(engine.getAsOf("certificates", "BC-5", between.minusSeconds(60))).isEmpty();
    }

    @Test
    void listPagesLiveRecordsInKeyOrder() throws Exception {
        for (String k : List.of("c", "a", "d", "b")) put(k, "{}");
        engine.delete(CLERK, "certificates", "c", -1, "").get();
        assertThat(engine.list("certificates", "", 2)).extracting(s -> s.id().key()).containsExactly("a", "b");
        assertThat(engine.list("certificates", "b", 2)).extracting(s -> s.id().key()).containsExactly("d");
    }

    @Test
    void bodiesTooLargeForAnEntryAreKeptAsVerifiedBlobs() throws Exception {
        String big = "{\"scan\":\"" + "x".repeat(200_000) + "\"}";
        put("BIG-1", big);
        assertThat(new String(engine.get("certificates", "BIG-1").orElseThrow().json(), UTF_8)).isEqualTo(big);
        log.integrate();
        assertThat(LogVerifier.verify(store, Optional.of(identity.verifierKey()), s -> { }).records()).isGreaterThan(0);
    }

    @Test
    void concurrentWritersAllGetDurableContiguousEntries() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<WriteResult>> futures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 250; i++) {
                    futures.add(engine.put(CLERK, "load", "t" + thread + "-" + i, ("{\"i\":" + i + "}").getBytes(UTF_8), -1, ""));
                }
            }));
        }
        for (Thread t : threads) t.join();
        java.util.Set<Long> indexes = new java.util.HashSet<>();
        for (CompletableFuture<WriteResult> f : futures) indexes.add(f.get().index());
        assertThat(indexes).hasSize(2000);
        assertThat(engine.size()).isEqualTo(2001);
        log.integrate();
        assertThat(LogVerifier.verify(store, Optional.empty(), s -> { }).entries()).isEqualTo(2001);
    }

    /**
     * Under unbroken load each group is planned while the one before commits, and a plan refers to the
     * plans it counts on. A node must still let go of what it has acknowledged: once a plan referred to
     * all plans before it, and a busy node kept every write of its busy spell (700,000 writes, 1.5 GB
     * in a benchmark) until the load stopped.
     */
    @Test
    void aNodeUnderUnbrokenLoadLetsGoOfWhatItHasAcknowledged() throws Exception {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(16_384);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        byte[] body = ("{\"note\":\"" + "x".repeat(1_000) + "\"}").getBytes(UTF_8);
        Thread load = Thread.ofPlatform().start(() -> {
            for (long i = 0; !stop.get() && failure.get() == null; i++) {
                window.acquireUninterruptibly();
                engine.put(CLERK, "load", "k" + i, body, -1, "").whenComplete((r, e) -> {
                    if (e != null) failure.compareAndSet(null, e);
                    acknowledged.incrementAndGet();
                    window.release();
                });
            }
        });
        try {
            while (acknowledged.get() < 5_000) Thread.sleep(5);
            java.lang.ref.WeakReference<WriteResult> early = new java.lang.ref.WeakReference<>(
                    engine.put(CLERK, "load", "early", body, -1, "").get());
            long after = acknowledged.get();
            while (acknowledged.get() < after + 20_000) Thread.sleep(5);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (early.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(failure.get()).isNull();
            assertThat(load.isAlive()).as("the load was still running while we looked").isTrue();
            assertThat(early.get()).as("an acknowledged write's result, 20,000 writes later, under unbroken load").isNull();
        } finally {
            stop.set(true);
            load.join();
            window.acquire(16_384);
        }
    }

    @Test
    void checkpointIsSignedByTheLogAndCoversEveryCommittedEntry() throws Exception {
        for (int i = 0; i < 300; i++) put("C-" + i, "{\"i\":" + i + "}");
        long size = log.integrate();
        assertThat(size).isEqualTo(engine.size());
        Note note = Note.parse(log.checkpoint().orElseThrow());
        note.verify(List.of(identity.verifierKey()));
        Checkpoint cp = Checkpoint.of(note);
        assertThat(cp.origin()).isEqualTo(ORIGIN);
        assertThat(cp.size()).isEqualTo(301);
        assertThat(log.root(301)).isEqualTo(cp.rootHash());
    }

    @Test
    void everyEntryHasAnInclusionProofAndCheckpointsAreConsistent() throws Exception {
        for (int i = 0; i < 40; i++) put("P-" + i, "{}");
        long oldSize = log.integrate();
        Hash oldRoot = log.root(oldSize);
        for (int i = 0; i < 300; i++) put("Q-" + i, "{}");
        long newSize = log.integrate();
        Hash newRoot = Checkpoint.of(Note.parse(log.checkpoint().orElseThrow())).rootHash();
        for (long index = 0; index < newSize; index += 7) {
            byte[] entry = store.entry(index).orElseThrow().data();
            ProofVerifier.verifyInclusion(Merkle.leafHash(entry), index, newSize, log.inclusionProof(index, newSize), newRoot);
        }
        ProofVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, log.consistencyProof(oldSize, newSize));
    }

    @Test
    void bundlesAndTilesStopAtTheCheckpoint() throws Exception {
        for (int i = 0; i < 10; i++) put("T-" + i, "{}");
        long size = log.integrate();
        put("late", "{}");
        List<byte[]> bundle = EntryBundle.decode(log.bundle(0, (int) size));
        assertThat(bundle).hasSize((int) size);
        assertThat(bundle.get(3)).isEqualTo(store.entry(3).orElseThrow().data());
        assertThat(log.tile(0, 0, (int) size)).hasSize((int) size * 32);
        assertThatThrownBy(() -> log.bundle(0, (int) size + 1)).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> log.tile(0, 0, 256)).isInstanceOf(EngineException.class);
    }

    @Test
    void verifierAcceptsAHealthyLogAndNamesStateEditedBehindItsBack() throws Exception {
        for (int i = 0; i < 20; i++) put("V-" + i, "{\"i\":" + i + "}");
        log.integrate();
        LogVerifier.Report report = LogVerifier.verify(store, Optional.of(identity.verifierKey()), s -> { });
        assertThat(report.entries()).isEqualTo(21);
        var target = store.state(new org.kalaja.engine.spi.RecordId("certificates", "V-3")).orElseThrow();
        store.write(txn -> {
            txn.putState(new org.kalaja.engine.spi.RecordState(target.id(), target.version(), target.index() - 1, false));
            return null;
        });
        assertThatThrownBy(() -> LogVerifier.verify(store, Optional.empty(), s -> { }))
                .hasMessageContaining("certificates/V-3").hasMessageContaining("index " + target.index());
    }

    @Test
    void verifierRefusesAKeyOtherThanTheLogsOwn() throws Exception {
        log.integrate();
        SigningKey other = SigningKey.generate(ORIGIN, SignatureType.ED25519);
        assertThatThrownBy(() -> LogVerifier.verify(store, Optional.of(other.verifierKey()), s -> { }))
                .hasMessageContaining("expected key");
    }
}
