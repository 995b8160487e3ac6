package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.HistoryItem;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.testkit.FaultyStore.Fault;

/**
 * What the engine does when its store fails: it never acknowledges a write that was not kept, it
 * says why, it keeps working once the store does, and the log stays verifiable throughout.
 */
public abstract class EngineFaultContract {
    private static final Caller CLERK = Caller.of("token:clerk", "127.0.0.1", "fault-test");
    private static final String ORIGIN = "faults.kalaja.example/log";

    private FaultyStore store;
    private LogIdentity identity;
    private RecordsEngine engine;
    private TransparencyLog log;

    /** A fresh, empty store; the contract closes it. */
    protected abstract Store newStore();

    @BeforeEach
    void open() {
        store = new FaultyStore(newStore());
        identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        engine = RecordsEngine.open(store, EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)));
        log = TransparencyLog.open(engine, identity);
    }

    @AfterEach
    void close() {
        log.close();
        engine.close();
        store.close();
    }

    private CompletableFuture<WriteResult> put(String key, String json, String idempotencyKey) {
        return engine.put(CLERK, "records", key, json.getBytes(UTF_8), -1, idempotencyKey);
    }

    private static EngineException failureOf(CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException e) {
            return (EngineException) e.getCause();
        }
        throw new AssertionError("the write was acknowledged although the store failed");
    }

    private void assertVerifies() throws Exception {
        log.integrate();
        LogVerifier.verify(store.delegate(), Optional.of(identity.verifierKey()), s -> { });
    }

    @Test
    void aFailedCommitIsNotAcknowledgedAndLeavesNothing() throws Exception {
        put("before", "{}", "").get();
        long size = engine.size();
        store.failWrite(1, Fault.AFTER_WORK);
        EngineException failure = failureOf(put("lost", "{\"x\":1}", ""));
        assertThat(failure.problem()).isEqualTo(Problem.UNAVAILABLE);
        assertThat(failure.retryable()).isTrue();
        assertThat(failure.getMessage()).contains("nothing of this write was kept");
        assertThat(engine.size()).isEqualTo(size);
        assertThat(engine.get("records", "lost")).isEmpty();
        assertThat(put("after", "{}", "").get().index()).isEqualTo(size);
        assertVerifies();
    }

    @Test
    void aFullDiskRefusesWritesButKeepsServingReads() throws Exception {
        put("kept", "{\"v\":1}", "").get();
        store.diskFull(true);
        EngineException failure = failureOf(put("refused", "{}", ""));
        assertThat(failure.problem()).isEqualTo(Problem.UNAVAILABLE);
        assertThat(failure.getMessage()).contains("disk is full");
        assertThat(engine.get("records", "kept")).isPresent();
        store.diskFull(false);
        put("refused", "{}", "").get();
        assertVerifies();
    }

    @Test
    void aLostAcknowledgementIsRecoveredByRetryingWithTheSameIdempotencyKey() throws Exception {
        store.failWrite(1, Fault.AFTER_COMMIT);
        assertThat(failureOf(put("doc", "{\"v\":1}", "retry-me")).problem()).isEqualTo(Problem.UNAVAILABLE);
        long size = engine.size();
        WriteResult retry = put("doc", "{\"v\":1}", "retry-me").get();
        assertThat(retry.replayed()).as("the first attempt was kept; the retry must not append again").isTrue();
        assertThat(engine.size()).isEqualTo(size);
        assertThat(engine.history("records", "doc", Long.MAX_VALUE, 10)).hasSize(1);
        assertVerifies();
    }

    @Test
    void aFailedIntegrationKeepsTheLastCheckpointAndTheNextOneCatchesUp() throws Exception {
        put("a", "{}", "").get();
        long first = log.integrate();
        String checkpoint = log.checkpoint().orElseThrow();
        put("b", "{}", "").get();
        store.failIntegrate(1, Fault.AFTER_WORK);
        assertThatThrownBy(log::integrate).hasMessageContaining("injected");
        assertThat(log.checkpoint()).contains(checkpoint);
        assertThat(log.integrate()).isEqualTo(first + 1);
        assertVerifies();
    }

    @Test
    void anIntegrationOvertakenByAnotherStoresNothingOfItsOwnAndEndsAtTheOthersCheckpoint() throws Exception {
        while (log.checkpointSize() == 0) Thread.sleep(1); // the integrator's first round, at start-up, has committed
        for (int i = 0; i < 300; i++) put("early-" + i, "{\"i\":" + i + "}", "").get();
        long size = engine.size();
        // Between folding the tree of `size` entries and storing it, another integration stores a larger tree.
        store.beforeNextIntegrate(() -> {
            try {
                put("meanwhile", "{}", "").get();
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
            assertThat(log.integrate()).as("the integration that gets in first").isEqualTo(size + 1);
        });
        long calls = store.integrations();
        assertThat(log.integrate()).as("the overtaken one").isEqualTo(size + 1);
        assertThat(store.integrations() - calls).as("the other's transaction, then the overtaken one's, which stored nothing"
                + " (its narrower tiles would have been refused)").isEqualTo(2);
        assertVerifies();
    }

    @Test
    void anIntegrationOnAStoreWhoseReadsLagItsCommitsSaysSoInsteadOfLooping() throws Exception {
        while (log.checkpointSize() == 0) Thread.sleep(1); // the integrator's first round, at start-up, has committed
        put("a", "{}", "").get();
        store.lagCheckpointReads(true);
        // Another integration gets in first and commits a larger tree, which the lagging reads never show.
        store.beforeNextIntegrate(() -> {
            try {
                put("b", "{}", "").get();
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError(e);
            }
            log.integrate();
        });
        assertThatThrownBy(log::integrate).hasMessageContaining("its reads lag its commits");
        store.lagCheckpointReads(false);
        assertVerifies();
    }

    @Test
    void everyWriteOfABatchWhoseCommitFailedIsRefusedAndNoneIsKept() throws Exception {
        long size = engine.size();
        store.failWrite(1, Fault.AFTER_WORK);
        store.failWrite(2, Fault.AFTER_WORK);
        store.failWrite(3, Fault.AFTER_WORK);
        var futures = new java.util.ArrayList<CompletableFuture<WriteResult>>();
        for (int i = 0; i < 200; i++) futures.add(put("k" + i, "{}", ""));
        long acknowledged = 0;
        for (CompletableFuture<WriteResult> f : futures) {
            try {
                f.get();
                acknowledged++;
            } catch (ExecutionException e) {
                assertThat(((EngineException) e.getCause()).problem()).isEqualTo(Problem.UNAVAILABLE);
            }
        }
        assertThat(engine.size()).isEqualTo(size + acknowledged);
        for (int i = 0; i < 200; i++) {
            boolean present = engine.get("records", "k" + i).isPresent();
            assertThat(present).as("k" + i + " present exactly when acknowledged").isEqualTo(futures.get(i).isDone() && !futures.get(i).isCompletedExceptionally());
        }
        assertVerifies();
    }

    /**
     * The sequencer plans a group while the one before commits, counting on it; when that commit
     * fails, the group after it must be planned again: otherwise its entries would not fit the log
     * (the store refuses them, so its writes fail too) or versions would skip the lost writes.
     */
    @Test
    void aGroupPlannedAfterAFailedCommitIsPlannedAgainAndVersionsStayConsecutive() throws Exception {
        // Small groups, so that the writes below take many commits however fast they are submitted.
        log.close();
        engine.close();
        EngineConfig defaults = EngineConfig.defaults();
        engine = RecordsEngine.open(store, new EngineConfig(8, defaults.queueCapacity(), defaults.maxBodyBytes(), Duration.ofHours(1),
                defaults.clock()));
        log = TransparencyLog.open(engine, identity);
        long before = store.writes();
        for (int nth = 2; nth <= 12; nth += 2) store.failWrite(nth, Fault.AFTER_WORK);
        var futures = new java.util.ArrayList<CompletableFuture<WriteResult>>();
        for (int round = 0; round < 60; round++) {
            for (int k = 0; k < 8; k++) futures.add(put("hot" + k, "{\"round\":" + round + "}", ""));
        }
        long[] acknowledged = new long[8];
        int refused = 0;
        for (int i = 0; i < futures.size(); i++) {
            try {
                futures.get(i).get();
                acknowledged[i % 8]++;
            } catch (ExecutionException e) {
                assertThat(((EngineException) e.getCause()).problem()).isEqualTo(Problem.UNAVAILABLE);
                refused++;
            }
        }
        assertThat(store.writes() - before).as("commits attempted").isGreaterThan(12);
        assertThat(refused).as("only the writes of the 6 failed groups of at most 8 are refused").isBetween(6, 6 * 8);
        for (int k = 0; k < 8; k++) {
            List<HistoryItem> history = engine.history("records", "hot" + k, Long.MAX_VALUE, 1000);
            assertThat(history).as("hot" + k + ": one version per acknowledged write").hasSize((int) acknowledged[k]);
            for (int v = 0; v < history.size(); v++) {
                assertThat(history.get(v).version()).as("hot" + k + " versions without a gap").isEqualTo(history.size() - v);
            }
        }
        assertVerifies();
    }

    @Test
    void writesBeyondTheQueueBoundAreRefusedAsOverloadedAndNotWritten() throws Exception {
        EngineConfig tiny = new EngineConfig(16, 4, 1024, Duration.ofHours(1), java.time.Clock.systemUTC());
        try (RecordsEngine small = RecordsEngine.open(store, tiny)) {
            var futures = new java.util.ArrayList<CompletableFuture<WriteResult>>();
            for (int i = 0; i < 2000; i++) {
                futures.add(small.put(CLERK, "burst", "b" + i, "{}".getBytes(UTF_8), -1, ""));
            }
            int refused = 0;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                    assertThat(small.get("burst", "b" + i)).isPresent();
                } catch (ExecutionException e) {
                    EngineException failure = (EngineException) e.getCause();
                    assertThat(failure.problem()).isEqualTo(Problem.OVERLOADED);
                    assertThat(failure.retryable()).isTrue();
                    assertThat(small.get("burst", "b" + i)).isEmpty();
                    refused++;
                }
            }
            assertThat(refused).as("a queue of 4 cannot hold 2,000 writes submitted at once").isPositive();
        }
        assertVerifies();
    }
}
