package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/**
 * Safe mode on every store driver: the engine's write barrier, and the compensating writes that pass
 * it. A driver's test extends this and supplies a fresh store; {@link RepairContract} adds the state
 * repair on top.
 */
public abstract class SafeModeContract {
    protected static final Caller CLERK = Caller.of("token:clerk", "127.0.0.1", "contract-test");
    protected static final Caller ADMIN = Caller.of("token:admin", "127.0.0.1", "contract-test");
    protected static final Caller SENTINEL = Caller.of("sentinel", "", "kalaja-sentinel");
    private static final String ORIGIN = "test.kalaja.example/log";

    protected Store store;
    protected RecordsEngine engine;
    protected TransparencyLog log;
    private LogIdentity identity;

    /** A fresh, empty store; the contract closes it. */
    protected abstract Store newStore();

    /**
     * Closes {@code store} and opens a new store on the same database, as a restarted node would.
     * Everything {@code store} committed MUST be there.
     */
    protected abstract Store reopen(Store store);

    @BeforeEach
    final void openEngine() {
        identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        store = newStore();
        start(store);
    }

    @AfterEach
    final void closeEngine() {
        stop();
        store.close();
    }

    /** Starts the engine and the log on {@code on} (the store itself or a wrapper of it). */
    protected final void start(Store on) {
        engine = RecordsEngine.open(on, EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)));
        log = TransparencyLog.open(engine, identity);
    }

    protected final void stop() {
        log.close();
        engine.close();
    }

    /** Stops the engine, reopens the store as a restarted node would, and starts again. */
    protected final void restart() {
        stop();
        Store old = store;
        store = null;
        store = reopen(old);
        start(store);
    }

    protected final WriteResult put(String collection, String key, String json) throws Exception {
        return engine.put(CLERK, collection, key, json.getBytes(UTF_8), -1, "").get(10, TimeUnit.SECONDS);
    }

    protected final String body(String collection, String key) {
        return new String(engine.get(collection, key).orElseThrow().json(), UTF_8);
    }

    /** Integrates, then verifies the whole store against the log (kalaja verify). */
    protected final LogVerifier.Report verify() throws Exception {
        log.integrate();
        return LogVerifier.verify(store, Optional.of(identity.verifierKey()), s -> { });
    }

    protected static EngineException failure(CompletableFuture<?> future) {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EngineException ee) return ee;
            throw new AssertionError("expected an EngineException, got " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the write to fail");
    }

    @Test
    void putRefusedWhileBarrierClosedButCompensateAndSystemWritesPass() throws Exception {
        put("certificates", "BC-1", "{\"v\":1}");
        put("certificates", "BC-2", "{\"v\":1}");
        engine.barrier().close("incident inc-1, mass deletion");
        long size = engine.size();

        EngineException refused = failure(engine.put(CLERK, "certificates", "BC-1", "{\"v\":2}".getBytes(UTF_8), -1, ""));
        assertThat(refused.problem()).isEqualTo(Problem.REFUSED);
        assertThat(refused.getMessage()).isEqualTo("safe mode: incident inc-1, mass deletion");
        assertThat(failure(engine.delete(CLERK, "certificates", "BC-2", -1, "")).problem()).isEqualTo(Problem.REFUSED);
        assertThat(failure(engine.put(CLERK, "certificates", "NEW", "{}".getBytes(UTF_8), 0, "k-1")).problem()).isEqualTo(Problem.REFUSED);
        assertThat(engine.size()).as("refused writes append nothing").isEqualTo(size);
        assertThat(body("certificates", "BC-1")).as("reads work").isEqualTo("{\"v\":1}");
        assertThat(engine.barrier().closedBecause()).contains("incident inc-1, mass deletion");

        WriteResult restored = engine.compensate(ADMIN, "certificates", "BC-1", "{\"v\":0}".getBytes(UTF_8), 1, "undo:inc-1:BC-1")
                .get(10, TimeUnit.SECONDS);
        assertThat(restored.version()).isEqualTo(2);
        assertThat(engine.compensate(ADMIN, "certificates", "BC-1", "{\"v\":0}".getBytes(UTF_8), 1, "undo:inc-1:BC-1")
                .get(10, TimeUnit.SECONDS).replayed()).as("compensations are idempotent like puts").isTrue();
        assertThat(engine.compensate(ADMIN, "certificates", "BC-2", null, 1, "").get(10, TimeUnit.SECONDS).version()).isEqualTo(2);
        assertThat(failure(engine.compensate(ADMIN, "certificates", "BC-1", "{}".getBytes(UTF_8), 1, "")).problem())
                .as("compensations keep preconditions").isEqualTo(Problem.VERSION_CONFLICT);
        WriteResult system = engine.appendSystem(EntryKind.CONFIG_CHANGED, SENTINEL, new RecordId("kalaja.sentinel", "safe-mode"),
                "{\"on\":true}".getBytes(UTF_8), -1).get(10, TimeUnit.SECONDS);
        assertThat(system.version()).isEqualTo(1);
        assertThat(body("certificates", "BC-1")).isEqualTo("{\"v\":0}");
        assertThat(engine.get("certificates", "BC-2")).isEmpty();
        assertThat(engine.history("certificates", "BC-1", Long.MAX_VALUE, 5).get(0).actor()).isEqualTo("token:admin");

        engine.barrier().open();
        assertThat(engine.barrier().closedBecause()).isEmpty();
        assertThat(put("certificates", "BC-1", "{\"v\":3}").version()).isEqualTo(3);
        assertThat(verify().entries()).isEqualTo(engine.size());
    }

    /**
     * A group is held inside the store's write while more writes queue behind it; {@code close}
     * waits for that group, and refuses everything queued behind it.
     */
    @Test
    @Timeout(60)
    void writeQueuedBeforeCloseIsRefused() throws Exception {
        stop();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        AtomicBoolean holding = new AtomicBoolean();
        start(gated(store, holding, entered, gate));

        holding.set(true);
        long before = engine.size();
        CompletableFuture<WriteResult> committing = engine.put(CLERK, "certificates", "first", "{}".getBytes(UTF_8), -1, "");
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the first group reached the store").isTrue();
        List<CompletableFuture<WriteResult>> queued = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            queued.add(engine.put(CLERK, "certificates", "queued-" + i, "{}".getBytes(UTF_8), -1, ""));
        }
        queued.add(engine.delete(CLERK, "certificates", "first", -1, ""));
        CompletableFuture<WriteResult> system = engine.appendSystem(EntryKind.CONFIG_CHANGED, SENTINEL,
                new RecordId("kalaja.sentinel", "safe-mode"), "{\"on\":true}".getBytes(UTF_8), -1);

        AtomicBoolean committedWhenClosed = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().start(() -> {
            engine.barrier().close("incident inc-2");
            committedWhenClosed.set(committing.isDone());
        });
        closer.join(300);
        assertThat(closer.isAlive()).as("close() waits for the group being committed").isTrue();
        gate.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();

        assertThat(committedWhenClosed).as("close() returned after that group committed").isTrue();
        assertThat(committing.get(10, TimeUnit.SECONDS).version()).isEqualTo(1);
        for (CompletableFuture<WriteResult> f : queued) assertThat(failure(f).problem()).isEqualTo(Problem.REFUSED);
        assertThat(system.get(10, TimeUnit.SECONDS).version()).as("system entries pass").isEqualTo(1);
        assertThat(engine.size()).isEqualTo(before + 2);
        for (int i = 0; i < 20; i++) assertThat(engine.get("certificates", "queued-" + i)).isEmpty();
        assertThat(engine.get("certificates", "first")).isPresent();
    }

    /** {@code on} with its {@code write} held at {@code gate} while {@code holding}, once {@code entered}. */
    private static Store gated(Store on, AtomicBoolean holding, CountDownLatch entered, CountDownLatch gate) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("write") && holding.getAndSet(false)) {
                entered.countDown();
                if (!gate.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the test never opened the gate");
            }
            if (method.getName().equals("close")) return null; // the contract closes the real store itself
            try {
                return method.invoke(on, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
