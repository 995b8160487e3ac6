package org.kalaja.store.postgres;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.LogVerifier;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

/**
 * Two complete Kalaja nodes (each its own connection pool, engine, sequencer and integrator) on one
 * PostgreSQL database produce one log: contiguous, signed, verifiable, with optimistic concurrency
 * holding across nodes.
 */
class TwoNodesTest {
    private static final String ORIGIN = "two-nodes.kalaja.example/log";

    private record Node(PostgresStore store, RecordsEngine engine, TransparencyLog log) implements AutoCloseable {
        static Node open(String url, LogIdentity identity) {
            PostgresStore store = TestDatabases.open(url);
            RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults().withCheckpointInterval(Duration.ofMillis(50)));
            return new Node(store, engine, TransparencyLog.open(engine, identity));
        }

        @Override
        public void close() {
            log.close();
            engine.close();
            store.close();
        }
    }

    @Test
    void twoNodesOnOneDatabaseKeepOneVerifiableLogAndRefuseLostUpdates() throws Exception {
        String url = TestDatabases.freshDatabase();
        LogIdentity identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        // Both start on the empty database at once: exactly one creates the log's identity entry.
        CompletableFuture<Node> startA = CompletableFuture.supplyAsync(() -> Node.open(url, identity));
        CompletableFuture<Node> startB = CompletableFuture.supplyAsync(() -> Node.open(url, identity));
        int perNode = 1500;
        int increments = 40;
        try (Node a = startA.get(); Node b = startB.get()) {
            List<CompletableFuture<Void>> work = new ArrayList<>();
            for (Node n : List.of(a, b)) {
                String name = n == a ? "a" : "b";
                work.add(CompletableFuture.runAsync(() -> writeMany(n, name, perNode)));
                work.add(CompletableFuture.runAsync(() -> increment(n, name, increments)));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get();
            a.log.integrate();
            b.log.integrate();

            long expected = 1 + 1 + 2L * perNode + 2L * increments; // identity, counter creation, writes, increments
            assertThat(a.engine.size()).isEqualTo(expected);
            assertThat(b.engine.size()).isEqualTo(expected);
            String counter = new String(b.engine.get("counters", "visits").orElseThrow().json(), UTF_8);
            assertThat(counter).isEqualTo("{\"n\":" + 2 * increments + "}");
            assertThat(a.log.checkpoint()).isEqualTo(b.log.checkpoint());
        }
        try (PostgresStore fresh = TestDatabases.open(url)) {
            LogVerifier.Report report = LogVerifier.verify(fresh, Optional.of(identity.verifierKey()), s -> { });
            assertThat(report.checkpointSize()).isEqualTo(report.entries());
        }
    }

    private static void writeMany(Node n, String name, int count) {
        Caller caller = Caller.of("token:" + name, "10.0.0." + (name.equals("a") ? 1 : 2), "node-" + name);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pending.add(n.engine.put(caller, "applications", name + "-" + i, ("{\"i\":" + i + "}").getBytes(UTF_8), -1, ""));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }

    /** Read-modify-write with If-Match, retried on conflict: no increment may be lost across nodes. */
    private static void increment(Node n, String name, int times) {
        Caller caller = Caller.of("token:" + name, "", "node-" + name);
        try {
            n.engine.put(caller, "counters", "visits", "{\"n\":0}".getBytes(UTF_8), 0, "").get();
        } catch (ExecutionException | InterruptedException e) {
            // the other node created it first
        }
        for (int done = 0; done < times; ) {
            var current = n.engine.get("counters", "visits").orElseThrow();
            int value = Integer.parseInt(new String(current.json(), UTF_8).replaceAll("\\D", ""));
            try {
                n.engine.put(caller, "counters", "visits", ("{\"n\":" + (value + 1) + "}").getBytes(UTF_8), current.version(), "").get();
                done++;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof EngineException ee && ee.problem() == EngineException.Problem.VERSION_CONFLICT)) {
                    throw new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
