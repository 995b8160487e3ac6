package org.kalaja.sentinel.investigate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.Cosignature;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.sentinel.Incident;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * A real log (SQLite store, engine, transparency log) holding a wiper's attack: a stolen token that wrote
 * before the incident, then deleted and overwrote records (one with a body large enough to be a blob),
 * a clerk working at the same time, and the sentinel's finding, status and freeze; plus the freeze of
 * another incident, which must stay out of this one's timeline.
 */
final class AttackLog implements AutoCloseable {
    static final String ORIGIN = "example.org/kalaja/investigate-test";
    static final String ATTACKER = "token:a77ac0ffee000001";
    static final String ATTACKER_ADDRESS = "203.0.113.7";
    static final String ATTACKER_AGENT = "wiper/1.0 (it's \"fine\")";
    static final String CLERK = "token:c1e4c1e4c1e40002";
    /** A token the attacker minted with the stolen one, and used. */
    static final String MINTED = "token:5eed5eed5eed0003";
    static final String INCIDENT_ID = "inc-20260101-a1b2c3";
    private static final Caller ATTACK = Caller.of(ATTACKER, ATTACKER_ADDRESS, ATTACKER_AGENT);
    private static final Caller CLERKING = Caller.of(CLERK, "198.51.100.20", "portal/2.1");
    private static final Caller SENTINEL = Caller.of("sentinel", "", "");

    final SqliteStore store;
    final RecordsEngine engine;
    final TransparencyLog log;
    final LogIdentity identity;
    final SigningKey witness = SigningKey.generate("witness.example.org", SignatureType.COSIGNATURE_V1);
    final List<Long> attackerIndexes = new ArrayList<>();
    final List<Long> incidentIndexes = new ArrayList<>();
    final List<Long> clerkIndexes = new ArrayList<>();
    final long otherIncidentIndex;
    /** An ACCESS batch: a clerk's read (ordinal 0), the attacker's list (1), a failed sign-in from the attacker's address (2). */
    final long accessIndex;
    final Incident incident;

    AttackLog(Path dir) throws Exception {
        store = SqliteStore.open(dir.resolve("kalaja.db"));
        engine = RecordsEngine.open(store, EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)));
        identity = new LogIdentity(ORIGIN, SigningKey.generate(ORIGIN, SignatureType.ED25519));
        log = TransparencyLog.open(engine, identity);
        for (int i = 1; i <= 5; i++) clerkIndexes.add(put(CLERKING, "births", "b" + i, "{\"name\":\"child " + i + "\"}"));
        attackerIndexes.add(put(ATTACK, "births", "b1", "{\"name\":\"child 1\",\"note\":\"probing\"}"));
        clerkIndexes.add(put(CLERKING, "births", "b6", "{\"name\":\"child 6\"}"));
        Instant started = Instant.now();
        long startedIndex = engine.size();
        for (String k : List.of("b2", "b3", "b4")) attackerIndexes.add(done(engine.delete(ATTACK, "births", k, -1, "")).index());
        attackerIndexes.add(put(ATTACK, "births", "b5", "{\"cipher\":\"" + "A".repeat(70_000) + "\"}"));
        attackerIndexes.add(done(engine.appendSystem(EntryKind.TOKEN_CREATED, ATTACK, new RecordId("kalaja.tokens", MINTED.substring(6)),
                ("{\"name\":\"backup\",\"role\":\"admin\",\"created_by\":\"" + ATTACKER + "\"}").getBytes(StandardCharsets.UTF_8), -1))
                .index());
        attackerIndexes.add(put(Caller.of(MINTED, "198.51.100.99", "python-requests/2.32"), "births", "b7", "{\"name\":\"nobody\"}"));
        clerkIndexes.add(put(CLERKING, "births", "b6", "{\"name\":\"child 6\",\"approved\":true}"));
        accessIndex = system(EntryKind.ACCESS, "kalaja.audit", "access", "{\"v\":1,\"node\":\"n1\",\"t0\":\"" + Instant.now() + "\","
                + "\"origins\":[[\"" + CLERK + "\",\"clerk\",\"clerk\",\"198.51.100.20\",\"portal/2.1\"],"
                + "[\"" + ATTACKER + "\",\"backend\",\"admin\",\"" + ATTACKER_ADDRESS + "\",\"curl/8.5\"],"
                + "[\"anonymous\",\"\",\"\",\"" + ATTACKER_ADDRESS + "\",\"curl/8.5\"]],"
                + "\"events\":[[0,0,\"record.get\",\"births\",\"b6\",1,\"\",2],[15,1,\"record.list\",\"births\",\"\",1000,\"\"],"
                + "[30,2,\"auth.failure\",\"\",\"\",1,\"unknown_token\"]]}");
        clerkIndexes.add(put(CLERKING, "births", "b3", "{\"name\":\"child 3\",\"re-entered\":true}"));
        incident = new Incident(INCIDENT_ID, new Incident.Rule("mr_kalaja_mass_deletion", "mass_deletion",
                "Mass deletion of records", "high"), List.of(new Incident.Technique("T1485", "Data Destruction", "impact")),
                "19.0", List.of(ATTACKER), List.of(ATTACKER_ADDRESS), List.of(ATTACKER_AGENT), started, startedIndex,
                Instant.now(), Incident.Status.CONTAINED, List.of("freeze " + ATTACKER, "safe_mode"));
        incidentIndexes.add(system(EntryKind.INCIDENT, "kalaja.incidents", INCIDENT_ID,
                "{\"v\":1,\"type\":\"finding\",\"incident\":\"" + INCIDENT_ID + "\",\"rule\":{\"id\":\"mr_kalaja_mass_deletion\"}}"));
        incidentIndexes.add(system(EntryKind.CONFIG_CHANGED, "kalaja.incidents", INCIDENT_ID,
                new String(incident.toJson(), StandardCharsets.UTF_8)));
        incidentIndexes.add(system(EntryKind.CONFIG_CHANGED, "kalaja.frozen", ATTACKER,
                "{\"frozen\":true,\"incident\":\"" + INCIDENT_ID + "\",\"since\":\"" + Instant.now() + "\"}"));
        otherIncidentIndex = system(EntryKind.CONFIG_CHANGED, "kalaja.frozen", "token:0000000000000bad",
                "{\"frozen\":true,\"incident\":\"inc-20251231-ffffff\"}");
        incidentIndexes.add(system(EntryKind.CONFIG_CHANGED, "kalaja.sentinel", "safe-mode",
                "{\"on\":true,\"incident\":\"" + INCIDENT_ID + "\",\"reason\":\"mass deletion\",\"provisional\":false}"));
        log.integrate();
    }

    private long put(Caller c, String collection, String key, String json) throws Exception {
        return done(engine.put(c, collection, key, json.getBytes(StandardCharsets.UTF_8), -1, "")).index();
    }

    private long system(EntryKind kind, String collection, String key, String json) throws Exception {
        return done(engine.appendSystem(kind, SENTINEL, new RecordId(collection, key), json.getBytes(StandardCharsets.UTF_8), -1))
                .index();
    }

    private static WriteResult done(java.util.concurrent.CompletableFuture<WriteResult> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    /** Every index the incident's timeline must hold, and only those. */
    TreeSet<Long> expectedTimeline() {
        TreeSet<Long> s = new TreeSet<>(attackerIndexes);
        s.addAll(incidentIndexes);
        s.add(accessIndex);
        return s;
    }

    Timeline timeline() {
        return Timeline.build(store, incident, null);
    }

    /** The log's latest checkpoint, cosigned by {@link #witness}, and the keys that verify it (quorum 1). */
    EvidencePack.Anchor witnessedAnchor() {
        EvidencePack.Anchor own = EvidencePack.Anchor.of(log);
        Note cosigned = Cosignature.cosign(own.checkpoint(), witness, Instant.now().getEpochSecond());
        return new EvidencePack.Anchor(cosigned, new TrustedKeys(identity.verifierKey(), List.of(witness.verifierKey()), 1, ""));
    }

    @Override
    public void close() {
        log.close();
        engine.close();
        store.close();
    }
}
