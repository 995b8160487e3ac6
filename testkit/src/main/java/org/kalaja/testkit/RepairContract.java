package org.kalaja.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.LogReplay;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.engine.spi.WriteTransaction;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;

/**
 * The state repair on every store driver: state rows edited behind the engine's back are put back to
 * what the log says, in one transaction with an INCIDENT entry, durably, and the log still verifies.
 * The rows to repair are found here as the sentinel finds them: a state scan compared with a
 * {@link LogReplay} of the log up to the size the scan saw.
 */
public abstract class RepairContract extends SafeModeContract {

    /** What a state audit finds: the rows to put back and to remove so that the store equals the replayed log. */
    protected record Mismatch(long size, List<RecordState> put, List<RecordId> remove) {
        boolean none() {
            return put.isEmpty() && remove.isEmpty();
        }
    }

    protected final Mismatch audit() {
        Map<RecordId, RecordState> rows = new HashMap<>();
        long size = store.scanStates(s -> rows.put(s.id(), s));
        Map<RecordId, RecordState> logSays = replay(size).states();
        List<RecordState> put = new ArrayList<>();
        for (RecordState s : logSays.values()) if (!s.equals(rows.get(s.id()))) put.add(s);
        List<RecordId> remove = new ArrayList<>();
        for (RecordId id : rows.keySet()) if (!logSays.containsKey(id)) remove.add(id);
        return new Mismatch(size, put, remove);
    }

    private LogReplay replay(long size) {
        LogReplay replay = new LogReplay();
        store.entries(0, size, e -> {
            try {
                replay.apply(e.index(), EntryCodec.decode(e.data()));
            } catch (VerificationException ex) {
                throw new AssertionError("the log itself does not replay", ex);
            }
        });
        return replay;
    }

    /** Edits state rows directly in the store, as an intruder with access to the database would. */
    protected final void tamper(java.util.function.Consumer<WriteTransaction> edit) {
        store.write(tx -> {
            edit.accept(tx);
            return null;
        });
    }

    protected static byte[] incident(String id) {
        return ("{\"id\":\"" + id + "\",\"type\":\"state_audit\",\"techniques\":[{\"id\":\"T1565.001\"}]}").getBytes(UTF_8);
    }

    private static RecordId id(String collection, String key) {
        return new RecordId(collection, key);
    }

    @Test
    void repairReplacesATamperedRowRemovesAnInsertedOneAndSurvivesRestart() throws Exception {
        WriteResult a1 = put("certificates", "A", "{\"v\":1}");
        put("certificates", "A", "{\"v\":2}");
        WriteResult b = put("certificates", "B", "{\"v\":1}");
        put("certificates", "C", "{\"v\":1}");
        tamper(tx -> {
            tx.putState(new RecordState(id("certificates", "A"), 1, a1.index(), false)); // rolled back
            tx.putState(new RecordState(id("certificates", "FAKE"), 1, b.index(), false)); // inserted
            tx.removeState(id("certificates", "C")); // deleted behind the log's back
        });
        assertThat(body("certificates", "A")).isEqualTo("{\"v\":1}");
        assertThat(engine.get("certificates", "FAKE")).isPresent();

        engine.barrier().close("state audit mismatch");
        Mismatch found = audit();
        assertThat(found.put()).extracting(s -> s.id().key()).containsExactlyInAnyOrder("A", "C");
        assertThat(found.remove()).containsExactly(id("certificates", "FAKE"));
        WriteResult repair = engine.repairStates(SENTINEL, incident("inc-3"), found.put(), found.remove()).get(10, TimeUnit.SECONDS);

        assertThat(repair.id()).isEqualTo(id("kalaja.incidents", "inc-3"));
        assertThat(repair.version()).as("an INCIDENT entry changes no record").isZero();
        assertThat(repair.index()).isEqualTo(found.size());
        Entry entry = EntryCodec.decode(store.entry(repair.index()).orElseThrow().data());
        assertThat(entry.kind()).isEqualTo(EntryKind.INCIDENT);
        assertThat(entry.actor()).isEqualTo("sentinel");
        assertThat(entry.body()).isEqualTo(incident("inc-3"));
        assertThat(audit().none()).isTrue();
        assertThat(body("certificates", "A")).isEqualTo("{\"v\":2}");
        assertThat(engine.get("certificates", "FAKE")).isEmpty();
        assertThat(body("certificates", "C")).isEqualTo("{\"v\":1}");

        restart();
        assertThat(audit().none()).as("the repair survives a restart").isTrue();
        assertThat(body("certificates", "A")).isEqualTo("{\"v\":2}");
        assertThat(store.state(id("certificates", "FAKE"))).isEmpty();
        assertThat(verify().entries()).isEqualTo(repair.index() + 1);
    }

    /** Random writes, random tampering, a repair while other writes keep arriving: the store equals the replayed log. */
    @Test
    @Timeout(120)
    void repairedStateEqualsReplayedLog() throws Exception {
        Random random = new Random(20260715);
        for (int round = 0; round < 3; round++) {
            List<CompletableFuture<WriteResult>> writes = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String key = "k" + random.nextInt(25);
                if (random.nextInt(5) == 0) {
                    writes.add(engine.delete(CLERK, "records", key, -1, ""));
                } else if (random.nextInt(8) == 0) {
                    writes.add(engine.appendSystem(EntryKind.CONFIG_CHANGED, SENTINEL, id("kalaja.config", key),
                            ("{\"i\":" + i + "}").getBytes(UTF_8), -1));
                } else {
                    writes.add(engine.put(CLERK, "records", key, ("{\"r\":" + round + ",\"i\":" + i + "}").getBytes(UTF_8), -1, ""));
                }
            }
            for (CompletableFuture<WriteResult> w : writes) w.handle((r, e) -> null).get(10, TimeUnit.SECONDS);
            List<RecordState> rows = new ArrayList<>();
            store.scanStates(s -> {
                if (!s.id().collection().equals("others")) rows.add(s); // those are written during the repair
            });
            java.util.Collections.shuffle(rows, random);
            int edits = round;
            tamper(tx -> {
                for (int t = 0; t < 6; t++) {
                    RecordState victim = rows.get(t);
                    switch (random.nextInt(4)) {
                        case 0 -> tx.putState(new RecordState(victim.id(), victim.version() + 3, victim.index(), victim.deleted()));
                        case 1 -> tx.putState(new RecordState(victim.id(), victim.version(), random.nextInt((int) victim.index() + 1),
                                !victim.deleted()));
                        case 2 -> tx.removeState(victim.id());
                        default -> tx.putState(new RecordState(id("records", "fake-" + edits + "-" + t), 1, victim.index(), false));
                    }
                }
            });
            Mismatch found = audit();
            assertThat(found.none()).as("the tampering is visible").isFalse();

            AtomicBoolean repairing = new AtomicBoolean(true);
            Thread others = Thread.ofPlatform().start(() -> {
                for (int i = 0; repairing.get() || i < 20; i++) {
                    engine.put(CLERK, "others", "o" + (i % 30), ("{\"i\":" + i + "}").getBytes(UTF_8), -1, "").join();
                }
            });
            try {
                engine.repairStates(SENTINEL, incident("inc-r" + round), found.put(), found.remove()).get(10, TimeUnit.SECONDS);
            } finally {
                repairing.set(false);
                others.join();
            }
            assertThat(audit().none()).as("round %d: the store equals the replayed log", round).isTrue();
        }
        assertThat(verify().records()).isPositive();
        restart();
        assertThat(audit().none()).isTrue();
    }

    /** Writes queued right behind a repair are planned after it, from the repaired row, not from the tampered one. */
    @Test
    void writeQueuedBehindARepairIsPlannedFromTheRepairedState() throws Exception {
        put("certificates", "A", "{\"v\":1}");
        WriteResult a2 = put("certificates", "A", "{\"v\":2}");
        tamper(tx -> tx.putState(new RecordState(id("certificates", "A"), 9, a2.index(), false)));
        Mismatch found = audit();
        CompletableFuture<WriteResult> repair = engine.repairStates(SENTINEL, incident("inc-4"), found.put(), found.remove());
        List<CompletableFuture<WriteResult>> behind = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            behind.add(engine.put(CLERK, "certificates", "A", ("{\"v\":" + (3 + i) + "}").getBytes(UTF_8), -1, ""));
        }
        repair.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 10; i++) assertThat(behind.get(i).get(10, TimeUnit.SECONDS).version()).isEqualTo(3 + i);
        assertThat(audit().none()).isTrue();
        verify();
    }

    @Test
    void aRepairThatWouldRollARecordBackOrRemoveALoggedOneIsRefusedWhole() throws Exception {
        WriteResult a1 = put("certificates", "A", "{\"v\":1}");
        put("certificates", "A", "{\"v\":2}");
        put("certificates", "B", "{\"v\":1}");
        long size = engine.size();

        RecordState stale = new RecordState(id("certificates", "A"), 1, a1.index(), false);
        assertThat(failure(engine.repairStates(SENTINEL, incident("inc-5"), List.of(stale), List.of())).problem())
                .isEqualTo(Problem.VERSION_CONFLICT);
        assertThat(failure(engine.repairStates(SENTINEL, incident("inc-6"), List.of(), List.of(id("certificates", "B")))).problem())
                .isEqualTo(Problem.VERSION_CONFLICT);
        RecordState contradicting = new RecordState(id("certificates", "B"), 4, a1.index(), false);
        assertThat(failure(engine.repairStates(SENTINEL, incident("inc-7"), List.of(contradicting), List.of())).problem())
                .as("a row must match the entry it points at").isEqualTo(Problem.INVALID);
        assertThat(engine.size()).as("a refused repair appends nothing").isEqualTo(size);
        assertThat(body("certificates", "A")).isEqualTo("{\"v\":2}");
        assertThat(engine.get("certificates", "B")).isPresent();
        assertThat(audit().none()).isTrue();
        StoredEntry last = store.entry(size - 1).orElseThrow();
        assertThat(EntryCodec.decode(last.data()).kind()).isEqualTo(EntryKind.RECORD_PUT);
    }
}
