package org.kalaja.sentinel.undo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.sentinel.Incident;
import org.kalaja.store.sqlite.SqliteStore;

/** Undo on a real engine over SQLite: what the implicated actors changed goes back, nobody else's work is lost. */
class IncidentUndoTest {
    private static final Caller CLERK = Caller.of("token:clerk", "10.0.0.5", "browser");
    private static final Caller ATTACKER = Caller.of("token:attacker", "203.0.113.66", "wiper");
    private static final Caller ACCOMPLICE = Caller.of("token:other", "203.0.113.66", "wiper");
    private static final Caller ADMIN = Caller.of("token:admin", "10.0.0.1", "cli");

    @TempDir
    Path dir;
    private SqliteStore store;
    private RecordsEngine engine;
    private IncidentUndo undo;

    @BeforeEach
    void open() {
        store = SqliteStore.open(dir.resolve("kalaja.db"));
        engine = RecordsEngine.open(store, EngineConfig.defaults());
        undo = IncidentUndo.of(engine);
    }

    @AfterEach
    void close() {
        engine.close();
        store.close();
    }

    @Test
    void undoRestoresLastGoodVersions() {
        String large = "{\"scan\":\"" + "x".repeat(70_000) + "\"}";
        put(CLERK, "a1", large);
        put(CLERK, "a2", "{\"n\":2}");
        put(CLERK, "a3", "{\"n\":3}");
        Incident incident = incidentFrom(engine.size());
        put(ATTACKER, "a1", "{\"ransom\":1}");
        put(ATTACKER, "a1", "{\"ransom\":2}");
        delete(ATTACKER, "a2");

        UndoPlan plan = undo.plan(incident, false, Optional.empty());
        assertThat(plan.changes()).extracting(c -> c.record().key(), UndoPlan.Change::kind, UndoPlan.Change::goodVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a1", UndoPlan.Kind.RESTORE, 1L),
                        org.assertj.core.groups.Tuple.tuple("a2", UndoPlan.Kind.RESTORE, 1L));
        assertThat(plan.changes().getFirst().badVersions()).containsExactly(3L, 2L);

        engine.barrier().close("incident " + incident.id()); // contained: safe mode refuses puts, undo still writes
        UndoResult result = undo.apply(ADMIN, plan);

        assertThat(result.restored()).extracting(d -> d.record().key()).containsExactly("a1", "a2");
        assertThat(result.deleted()).isEmpty();
        assertThat(body("a1")).isEqualTo(large);
        assertThat(body("a2")).isEqualTo("{\"n\":2}");
        assertThat(body("a3")).isEqualTo("{\"n\":3}");
        assertThat(engine.history("cases", "a1", Long.MAX_VALUE, 10).getFirst().actor()).isEqualTo("token:admin");
        assertThat(result.index()).isGreaterThan(result.restored().getLast().index());
    }

    @Test
    void undoDeletesRecordsTheAttackerCreated() {
        Incident incident = incidentFrom(engine.size());
        put(ATTACKER, "junk1", "{\"x\":1}");
        put(ATTACKER, "junk2", "{\"x\":2}");
        put(ATTACKER, "junk2", "{\"x\":3}");
        put(ATTACKER, "gone", "{\"x\":4}");
        delete(ATTACKER, "gone");

        UndoResult result = undoByActors(incident);

        assertThat(result.deleted()).extracting(d -> d.record().key(), UndoResult.Done::fromVersion)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("junk1", 1L), org.assertj.core.groups.Tuple.tuple("junk2", 2L));
        assertThat(result.unchanged()).isEqualTo(1); // "gone": created and deleted by the attacker, nothing to do
        assertThat(engine.get("cases", "junk1")).isEmpty();
        assertThat(engine.get("cases", "junk2")).isEmpty();
        assertThat(engine.everExisted("cases", "junk1")).isTrue(); // the attacker's versions stay in the history
    }

    @Test
    void undoReportsConflictWithLegitimateLaterChange() {
        put(CLERK, "c1", "{\"v\":1}");
        Incident incident = incidentFrom(engine.size());
        put(ATTACKER, "c1", "{\"v\":\"bad\"}");
        put(CLERK, "c1", "{\"v\":\"fixed by hand\"}");

        UndoResult result = undoByActors(incident);

        assertThat(result.conflicts()).singleElement().satisfies(c -> {
            assertThat(c.record()).isEqualTo(new RecordId("cases", "c1"));
            assertThat(c.badVersions()).containsExactly(2L);
            assertThat(c.laterVersion()).isEqualTo(3);
            assertThat(c.laterActor()).isEqualTo("token:clerk");
        });
        assertThat(result.restored()).isEmpty();
        assertThat(result.index()).isEqualTo(-1);
        assertThat(body("c1")).isEqualTo("{\"v\":\"fixed by hand\"}");
    }

    @Test
    void undoTwiceWritesNothingNew() {
        put(CLERK, "t1", "{\"v\":1}");
        Incident incident = incidentFrom(engine.size());
        put(ATTACKER, "t1", "{\"v\":2}");
        put(ATTACKER, "t2", "{\"v\":2}");
        UndoPlan firstPlan = undo.plan(incident, false, Optional.empty());
        UndoResult first = undo.apply(ADMIN, firstPlan);
        assertThat(first.restored()).hasSize(1);
        assertThat(first.deleted()).hasSize(1);
        long size = engine.size();

        UndoPlan again = undo.plan(incident, false, Optional.empty());
        UndoResult second = undo.apply(Caller.of("token:admin2", "10.0.0.2", "cli"), again);

        assertThat(again.changes()).isEmpty();
        assertThat(again.conflicts()).isEmpty();
        assertThat(second.unchanged()).isEqualTo(2);
        assertThat(second.index()).isEqualTo(-1);
        assertThat(engine.size()).isEqualTo(size);
        // The first plan applied again (a retried request) replays the first compensations instead of writing.
        UndoResult retried = undo.apply(ADMIN, firstPlan);
        assertThat(retried.unchanged()).isEqualTo(2);
        assertThat(retried.restored()).isEmpty();
        assertThat(engine.size()).isEqualTo(size);
    }

    @Test
    void undoKeepsOtherActorsChanges() {
        put(CLERK, "k1", "{\"v\":1}");
        put(CLERK, "k2", "{\"v\":1}");
        Incident incident = incidentFrom(engine.size());
        put(CLERK, "k1", "{\"v\":\"clerk after start\"}");
        put(ATTACKER, "k1", "{\"v\":\"bad\"}");
        put(CLERK, "k2", "{\"v\":\"clerk only\"}");
        put(ACCOMPLICE, "k3", "{\"v\":\"same address, other token\"}");

        UndoResult byActor = undoByActors(incident);

        assertThat(byActor.restored()).singleElement().satisfies(d -> assertThat(d.toVersion()).isEqualTo(2));
        assertThat(body("k1")).isEqualTo("{\"v\":\"clerk after start\"}");
        assertThat(body("k2")).isEqualTo("{\"v\":\"clerk only\"}");
        assertThat(engine.get("cases", "k3")).isPresent();

        UndoResult byAddress = undo.apply(ADMIN, undo.plan(incident, true, Optional.empty()));
        assertThat(byAddress.deleted()).extracting(d -> d.record().key()).containsExactly("k3");
        assertThat(body("k2")).isEqualTo("{\"v\":\"clerk only\"}");
    }

    @Test
    void undoSinceLaterTimeLeavesEarlierChanges() throws InterruptedException {
        put(CLERK, "s1", "{\"v\":1}");
        Incident incident = incidentFrom(engine.size());
        put(ATTACKER, "s1", "{\"v\":\"early\"}");
        Thread.sleep(5);
        Instant since = Instant.now();
        Thread.sleep(5);
        put(ATTACKER, "s1", "{\"v\":\"late\"}");

        UndoResult result = undo.apply(ADMIN, undo.plan(incident, false, Optional.of(since)));

        assertThat(body("s1")).isEqualTo("{\"v\":\"early\"}");
        assertThat(result.restored()).singleElement().satisfies(d -> assertThat(d.toVersion()).isEqualTo(2));
    }

    private UndoResult undoByActors(Incident incident) {
        return undo.apply(ADMIN, undo.plan(incident, false, Optional.empty()));
    }

    private Incident incidentFrom(long startedIndex) {
        return new Incident("inc-20260101-abcdef", new Incident.Rule("r", "mass_deletion", "Mass deletion", "high"),
                List.of(new Incident.Technique("T1485", "Data Destruction", "impact")), "19.0", List.of(ATTACKER.actor()),
                List.of(ATTACKER.address()), List.of(ATTACKER.userAgent()), Instant.now(), startedIndex, Instant.now(),
                Incident.Status.CONTAINED, List.of("freeze token:attacker"));
    }

    private void put(Caller caller, String key, String json) {
        engine.put(caller, "cases", key, json.getBytes(StandardCharsets.UTF_8), -1, "").join();
    }

    private void delete(Caller caller, String key) {
        engine.delete(caller, "cases", key, -1, "").join();
    }

    private String body(String key) {
        return engine.get("cases", key).map(RecordVersion::json).map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
    }
}
