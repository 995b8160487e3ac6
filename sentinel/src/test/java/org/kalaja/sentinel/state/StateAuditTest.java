package org.kalaja.sentinel.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.HistoryItem;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.state.StateAudit.Report;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * The audit on a real engine over SQLite, with the database file edited behind Kalaja's back through a
 * second JDBC connection, as an attacker with file access would (the {@code state} table of store-sqlite).
 */
class StateAuditTest {
    private static final Caller CLERK = Caller.of("token:clerk", "10.0.0.5", "browser");

    @TempDir
    Path dir;
    private Path file;
    private SqliteStore store;
    private RecordsEngine engine;
    private StateAudit audit;
    private final List<Report> alarms = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        file = dir.resolve("kalaja.db");
        store = SqliteStore.open(file);
        engine = RecordsEngine.open(store, EngineConfig.defaults());
        audit = StateAudit.create(engine);
        audit.onMismatch(alarms::add);
        for (int i = 0; i < 20; i++) put("r" + i, "{\"n\":" + i + "}");
        put("r1", "{\"n\":\"second\"}");
        engine.delete(CLERK, "cases", "r2", -1, "").join();
    }

    @AfterEach
    void close() {
        audit.close();
        engine.close();
        store.close();
    }

    @Test
    void cleanStoreAuditsClean() {
        Report first = audit.runNow();
        put("later", "{\"n\":99}");
        Report second = audit.runNow();

        assertThat(first.clean()).isTrue();
        assertThat(first.rows()).isEqualTo(20);
        assertThat(first.expectedDigest()).hasSize(64).isEqualTo(first.observedDigest());
        assertThat(first.incident()).isEmpty();
        assertThat(second.clean()).isTrue();
        assertThat(second.rows()).isEqualTo(21);
        assertThat(second.size()).isEqualTo(engine.size());
        assertThat(second.observedDigest()).isNotEqualTo(first.observedDigest());
        assertThat(alarms).isEmpty();
    }

    @Test
    void editedStateRowIsFoundAndRepaired() throws SQLException {
        HistoryItem old = engine.history("cases", "r1", Long.MAX_VALUE, 2).getLast();
        // Roll r1 back to its first body without a log entry saying so.
        sql("UPDATE state SET version = " + old.version() + ", idx = " + old.index() + " WHERE collection = 'cases' AND key = 'r1'");
        assertThat(body("r1")).isEqualTo("{\"n\":1}");

        Report report = audit.runNow();

        assertThat(report.clean()).isFalse();
        assertThat(report.wrong()).singleElement().satisfies(row -> {
            assertThat(row.id()).isEqualTo(new RecordId("cases", "r1"));
            assertThat(row.store().version()).isEqualTo(1);
            assertThat(row.log().version()).isEqualTo(2);
        });
        assertThat(report.missing()).isEmpty();
        assertThat(report.extra()).isEmpty();
        assertThat(report.observedDigest()).isNotEqualTo(report.expectedDigest());
        Incident incident = report.incident().orElseThrow();
        assertThat(incident.rule().id()).isEqualTo("state_tampering");
        assertThat(incident.techniques()).containsExactly(new Incident.Technique("T1565.001", "Stored Data Manipulation", "impact"));
        assertThat(incident.attackVersion()).isEqualTo("19.0");
        assertThat(alarms).singleElement().satisfies(a -> assertThat(a.incident()).contains(incident));

        Entry evidence = EntryCodec.decode(store.entry(report.repairIndex().orElseThrow()).orElseThrow().data());
        assertThat(evidence.kind()).isEqualTo(EntryKind.INCIDENT);
        assertThat(evidence.actor()).isEqualTo("sentinel");
        assertThat(evidence.collection() + "/" + evidence.key()).isEqualTo("kalaja.incidents/" + incident.id());
        assertThat(new String(evidence.body(), StandardCharsets.UTF_8)).contains("\"type\":\"state_audit\"", "\"key\":\"r1\"");
        assertThat(body("r1")).isEqualTo("{\"n\":\"second\"}");
        assertThat(audit.runNow().clean()).isTrue();
    }

    @Test
    void insertedStateRowIsRemoved() throws SQLException {
        long someIndex = engine.history("cases", "r5", Long.MAX_VALUE, 1).getFirst().index();
        sql("INSERT INTO state (collection, key, version, idx, deleted) VALUES ('cases', 'ghost', 1, " + someIndex + ", 0)");
        assertThat(engine.get("cases", "ghost")).isPresent();

        Report report = audit.runNow();

        assertThat(report.extra()).extracting(Report.Row::id).containsExactly(new RecordId("cases", "ghost"));
        assertThat(report.extra().getFirst().log()).isNull();
        assertThat(report.wrong()).isEmpty();
        assertThat(report.repairIndex()).isPresent();
        assertThat(engine.get("cases", "ghost")).isEmpty();
        assertThat(engine.everExisted("cases", "ghost")).isFalse();
        assertThat(audit.runNow().clean()).isTrue();
    }

    @Test
    void deletedStateRowIsRestored() throws SQLException {
        sql("DELETE FROM state WHERE collection = 'cases' AND key IN ('r7', 'r2')"); // a live record and a tombstone

        Report report = audit.runNow();

        assertThat(report.missing()).extracting(r -> r.id().key()).containsExactly("r2", "r7");
        assertThat(report.missing()).allSatisfy(r -> assertThat(r.store()).isNull());
        assertThat(body("r7")).isEqualTo("{\"n\":7}");
        assertThat(engine.everExisted("cases", "r2")).isTrue();
        assertThat(engine.get("cases", "r2")).isEmpty();
        assertThat(audit.runNow().clean()).isTrue();
    }

    @Test
    void auditComparesAtTheSnapshotSizeWhileWritesContinue() throws Exception {
        for (int i = 0; i < 2000; i++) put("bulk" + i, "{\"i\":" + i + "}");
        audit.runNow();
        // Writes land between the size the audit reads first and its snapshot, and during the scan.
        StateAudit racing = new StateAudit(new WritingHooks(new EngineHooks(engine), this), engine.config().clock());
        Report report = racing.runNow();
        assertThat(report.clean()).isTrue();
        assertThat(report.size()).isLessThan(engine.size());

        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3000; i++) put("bulk" + (i % 2500), "{\"again\":" + i + "}");
        });
        int audits = 0;
        while (!writer.isDone() || audits < 3) {
            assertThat(audit.runNow().clean()).isTrue();
            audits++;
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(alarms).isEmpty();
    }

    @Test
    void rowOfARecordWrittenJustBeforeTheSnapshotAndResetIsFound() throws Exception {
        audit.runNow();
        WritingHooks hooks = new WritingHooks(new EngineHooks(engine), this);
        hooks.tamperAfterWrite = true;
        StateAudit racing = new StateAudit(hooks, engine.config().clock());

        Report report = racing.runNow();

        // r3 was rewritten after the audit's first look and its row then put back to the older state.
        assertThat(report.wrong()).extracting(r -> r.id().key()).containsExactly("r3");
        assertThat(report.wrong().getFirst().store().version()).isEqualTo(1);
        assertThat(report.wrong().getFirst().log().version()).isEqualTo(2);
        assertThat(body("r3")).isEqualTo("{\"during\":\"before snapshot\"}");
    }

    @Test
    void foreignWriteTriggersAnAuditWithinASecond() throws Exception {
        CompletableFuture<Report> alarm = new CompletableFuture<>();
        audit.onMismatch(alarm::complete);
        audit.start(Duration.ofHours(1));
        Thread.sleep(300); // the watch has read the marker once

        long tampered = System.nanoTime();
        sql("UPDATE state SET deleted = 1 WHERE collection = 'cases' AND key = 'r9'");
        Report report = alarm.get(5, TimeUnit.SECONDS);
        Duration latency = Duration.ofNanos(System.nanoTime() - tampered);

        assertThat(latency).isLessThan(Duration.ofSeconds(1));
        assertThat(report.trigger()).isEqualTo("foreign_write");
        assertThat(report.wrong()).extracting(r -> r.id().key()).containsExactly("r9");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (audit.last().orElseThrow().repairIndex().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(body("r9")).isEqualTo("{\"n\":9}");
    }

    /** Hooks that write (and optionally tamper) after the audit read the size, before and during its scan. */
    private static final class WritingHooks implements StateHooks {
        private final StateHooks real;
        private final StateAuditTest test;
        boolean tamperAfterWrite;

        WritingHooks(StateHooks real, StateAuditTest test) {
            this.real = real;
            this.test = test;
        }

        @Override
        public org.kalaja.engine.spi.Store store() {
            return real.store();
        }

        @Override
        public long scanStates(java.util.function.Consumer<RecordState> visitor) {
            test.put("r3", "{\"during\":\"before snapshot\"}");
            test.put("fresh", "{\"during\":\"before snapshot\"}");
            if (tamperAfterWrite) {
                HistoryItem first = test.engine.history("cases", "r3", Long.MAX_VALUE, 2).getLast();
                try {
                    test.sql("UPDATE state SET version = 1, idx = " + first.index() + " WHERE collection = 'cases' AND key = 'r3'");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
            boolean[] once = {false};
            return real.scanStates(row -> {
                if (!once[0]) {
                    once[0] = true;
                    test.put("r4", "{\"during\":\"scan\"}");
                    test.put("fresh2", "{\"during\":\"scan\"}");
                }
                visitor.accept(row);
            });
        }

        @Override
        public java.util.OptionalLong foreignWriteMarker() {
            return real.foreignWriteMarker();
        }

        @Override
        public CompletableFuture<org.kalaja.engine.WriteResult> repairStates(Caller caller, byte[] incidentJson,
                List<RecordState> put, List<RecordId> remove) {
            return real.repairStates(caller, incidentJson, put, remove);
        }
    }

    private void put(String key, String json) {
        engine.put(CLERK, "cases", key, json.getBytes(StandardCharsets.UTF_8), -1, "").join();
    }

    private String body(String key) {
        return engine.get("cases", key).map(RecordVersion::json).map(b -> new String(b, StandardCharsets.UTF_8)).orElseThrow();
    }

    private void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            s.execute(statement);
        }
    }
}
