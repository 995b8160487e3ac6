package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.server.AttackScenarios.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Tokens;
import org.kalaja.server.AttackScenarios.Api;
import org.kalaja.server.AttackScenarios.Detection;
import org.kalaja.server.AttackScenarios.Scene;
import org.kalaja.server.AttackScenarios.Shot;

/**
 * The July 2022 attack through the real HTTP API, each with a stolen admin token on a node that runs its
 * default Sigma rules: a wiper, ransomware, an exfiltration, and an edit of the database file behind the
 * node's back. Each must be contained within 1 s of the request that crossed the rule's threshold (the
 * refusal is decided in memory before anything is written, so its round trip is the latency), with no more
 * damage than the threshold lets through, and undone by a second, independent administrator.
 *
 * <p>The thresholds are the default rules' (sentinel/src/main/resources/org/kalaja/sentinel/rules).
 */
@Timeout(90)
class SentinelAttackTest {
    /** mr_kalaja_mass_deletion.yml: more than 10 distinct records deleted by one actor in 1 h. */
    static final int MASS_DELETION_ALLOWED = 10;
    /** mr_kalaja_ransomware.yml: 5 opaque overwrites by one actor in 30 s; the 5th is refused. */
    static final int RANSOMWARE_ALLOWED = 4;
    /** mr_kalaja_bulk_read.yml: 25 distinct personal records read by one actor and address in 3 min. */
    static final int BULK_READ_ALLOWED = 24;
    /** mr_kalaja_bulk_read.yml: 5,000 keys listed by one actor in 3 min, counted as the requested page size. */
    static final int LISTED_KEYS_LIMIT = 5000;
    /** The bound from the triggering request to containment. */
    static final Duration CONTAINED_WITHIN = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    @Test
    void wiperWithAStolenAdminTokenIsFrozenAtTheThresholdAndUndoneByAnotherAdmin() throws Exception {
        try (Scene s = Scene.open(dir.resolve("node"), 64)) {
            List<Shot> shots = AttackScenarios.burst(64, s.keys(), k -> s.attacker().send("DELETE", record("citizens", k), s.stolen(), null));

            Detection d = contained(s, "wiper, 64 parallel DELETEs", shots, MASS_DELETION_ALLOWED);
            assertThat(d.served()).as("with 64 distinct records the rule lets exactly its threshold through").isEqualTo(MASS_DELETION_ALLOWED);
            for (Shot x : d.damage()) assertThat(s.staff().get(record("citizens", x.key()), s.clerk()).statusCode()).isEqualTo(404);
            JsonNode incident = incident(s, "mass_deletion", "T1485");
            HttpResponse<String> selfUndo = s.attacker().send("POST", "/api/v1/incidents/" + incident.path("id").asText() + "/undo", s.stolen(), "{}");
            assertThat(selfUndo.statusCode()).as("the attacker undoing its own incident: %s", selfUndo.body()).isIn(401, 403);

            // `kalaja incident undo ID` from the incident's own start: under 64 racing requests that start is the
            // earliest first event of all the rule's findings, which covers every deletion the rule let through.
            undoAndCheck(s, incident, d.damage(), null);
        }
        CliTest.Run verify = CliTest.kalaja("verify", "--data", dir.resolve("node").toString());
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void ransomwareOverwritingWithCiphertextIsFrozenAtTheThresholdAndUndoneExactly() throws Exception {
        try (Scene s = Scene.open(dir.resolve("node"), 32)) {
            SecretKey key = AttackScenarios.aesKey();

            List<Shot> shots = AttackScenarios.burst(16, s.keys(),
                    k -> s.attacker().send("PUT", record("citizens", k), s.stolen(), AttackScenarios.encrypted(s.records().get(k), key)));

            Detection d = contained(s, "ransomware, 32 AES-GCM overwrites on 16 connections", shots, RANSOMWARE_ALLOWED);
            for (Shot x : d.damage()) assertThat(s.staff().get(record("citizens", x.key()), s.clerk()).body()).contains("\"ciphertext\"");
            undoAndCheck(s, incident(s, "ransomware_burst", "T1486"), d.damage(), null);
        }
    }

    @Test
    void bulkReadsOfPersonalRecordsStopAtTheThreshold() throws Exception {
        try (Scene s = Scene.open(dir.resolve("node"), 64)) {
            List<Shot> shots = AttackScenarios.burst(8, s.keys(), k -> s.attacker().get(record("citizens", k), s.stolen()));

            contained(s, "exfiltration, 64 GETs of personal records on 8 connections", shots, BULK_READ_ALLOWED);
            incident(s, "bulk_read", "T1213.006");
        }
    }

    @Test
    void bulkListingStopsBeforeFiveThousandKeys() throws Exception {
        try (Scene s = Scene.open(dir.resolve("node"), 16)) {
            List<Shot> shots = new ArrayList<>();
            for (String c : List.of("citizens", "births", "marriages", "deaths", "addresses", "vehicles", "taxes", "passports")) {
                long sent = System.nanoTime();
                HttpResponse<String> r = s.attacker().get("/api/v1/records/" + c + "?limit=1000", s.stolen());
                shots.add(new Shot(c, sent, System.nanoTime(), r));
            }

            Detection d = contained(s, "exfiltration, pages of 1,000 keys", shots, LISTED_KEYS_LIMIT / 1000 - 1);
            assertThat(d.served() * 1000).as("keys the attacker could have listed").isLessThan(LISTED_KEYS_LIMIT);
            incident(s, "bulk_enumeration", "T1567");
        }
    }

    @Test
    void evidenceOfAWiperVerifiesOffline() throws Exception {
        Path data = dir.resolve("node");
        try (Scene s = Scene.open(data, 12)) {
            for (String k : s.keys()) s.attacker().send("DELETE", record("citizens", k), s.stolen(), null);
            String id = incident(s, "mass_deletion", "T1485").path("id").asText();
            Path out = dir.resolve("evidence");

            CliTest.Run investigate = investigate(id, data, out);

            assertThat(investigate.exit()).as(investigate.out() + investigate.err()).isZero();
            assertThat(out.resolve("stix-bundle.json")).exists();
            assertThat(Files.readString(out.resolve("timeline.json"))).contains("token:" + Tokens.idOf(s.stolen()));
            CliTest.Run verified = CliTest.kalaja("verify-evidence", out.toString());
            assertThat(verified.exit()).as(verified.out() + verified.err()).isZero();
        }
    }

    @Test
    void databaseEditBehindTheNodesBackPutsItInSafeModeAndIsRepairedFromTheLog() throws Exception {
        Path data = dir.resolve("node");
        ServeProcess node = ServeProcess.start(data).awaitReady();
        try {
            Api api = AttackScenarios.api(node.url);
            HttpResponse<String> minted = api.send("POST", "/api/v1/tokens", ServeProcess.TOKEN, "{\"role\":\"clerk\",\"name\":\"front desk\"}");
            assertThat(minted.statusCode()).as(minted.body()).isEqualTo(201);
            String clerk = RemoteNode.parse(minted.body()).path("token").asText();
            Map<String, String> records = AttackScenarios.writeCitizens(api, clerk, "citizens", "c", 8);
            long firstIndex = RemoteNode.parse(api.get(record("citizens", "c1") + "/history", clerk).body()).path("versions").get(0).path("index").asLong();
            String corrected = AttackScenarios.citizen(1).replace("submitted", "issued");
            assertThat(api.send("PUT", record("citizens", "c1"), clerk, corrected).statusCode()).isEqualTo(200);

            // A DBA with a stolen database password puts the old certificate back, without a log entry.
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("kalaja.db")); Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 5000");
                assertThat(s.executeUpdate("UPDATE state SET version = 1, idx = " + firstIndex
                        + " WHERE collection = 'citizens' AND key = 'c1'")).isEqualTo(1);
            }
            long edited = System.nanoTime();
            HttpResponse<String> refused = null;
            for (int i = 0; refused == null && System.nanoTime() - edited < Duration.ofSeconds(10).toNanos(); i++) {
                HttpResponse<String> r = api.send("PUT", record("citizens", "probe"), clerk, "{\"n\":" + i + "}");
                if (r.statusCode() == 503) refused = r;
                else Thread.sleep(10);
            }
            double latencyMs = (System.nanoTime() - edited) / 1e6;
            System.out.printf(Locale.ROOT, "[sentinel e2e] database edit: committed → first 503 after %.1f ms%n", latencyMs);
            assertThat(refused).as("writes refused within 10 s of the edit").isNotNull();
            assertThat(AttackScenarios.error(refused)).isEqualTo("safe_mode");
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            String incidentId = refused.headers().firstValue("Kalaja-Incident").orElseThrow();
            // Not the in-memory path of the API attacks: the watch polls the store every 200 ms, then an audit reads it.
            assertThat(latencyMs).as("ms from the edit's commit to safe mode").isLessThanOrEqualTo(2000);

            assertThat(api.get(record("citizens", "c0"), clerk).body()).as("reads work in safe mode").isEqualTo(records.get("c0"));
            JsonNode incident = AttackScenarios.awaitIncident(api, ServeProcess.TOKEN, i -> i.path("id").asText().equals(incidentId),
                    Duration.ofSeconds(5));
            assertThat(AttackScenarios.texts(incident.path("techniques"), "id")).contains("T1565.001");
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (!api.get(record("citizens", "c1"), clerk).body().equals(corrected) && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(api.get(record("citizens", "c1"), clerk).body()).as("the row repaired from the log").isEqualTo(corrected);
        } finally {
            node.stop();
        }
        assertThat(node.output()).doesNotContain("Exception in thread");
        CliTest.Run verify = CliTest.kalaja("verify", "--data", data.toString());
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
    }

    /**
     * How a contained attacker is refused: the request that crossed the threshold with 403 actor_frozen;
     * later ones the same while the token is frozen, 401 once the rule's {@code revoke} is durable and the
     * token no longer authenticates, and 403 address_blocked once those failed sign-ins reached the
     * brute-force rule's 10 for the attacker's address.
     */
    private static final List<String> REFUSALS = List.of("403 actor_frozen", "401 unauthorized", "403 address_blocked");

    /** The attack stopped within the rule's threshold and 1 s, and the token refused everywhere afterwards. */
    private static Detection contained(Scene s, String scenario, List<Shot> shots, int allowed) {
        Detection d = Detection.of(scenario, shots);
        assertThat(d.served()).as("requests served before containment").isLessThanOrEqualTo(allowed);
        assertThat(d.first().status() + " " + d.first().error()).as("the first refusal").isEqualTo("403 actor_frozen");
        assertThat(d.refused()).allSatisfy(x -> assertThat(x.status() + " " + x.error()).as(x.key()).isIn(REFUSALS));
        assertThat(d.latency()).as("triggering request sent → its refusal").isLessThanOrEqualTo(CONTAINED_WITHIN);
        for (HttpResponse<String> r : List.of(s.attacker().get(record("citizens", "c0"), s.stolen()),
                s.attacker().get("/api/v1/records/citizens", s.stolen()), s.attacker().send("PUT", record("citizens", "new"), s.stolen(), "{\"a\":1}"),
                s.attacker().send("DELETE", record("citizens", "c0"), s.stolen(), null))) {
            assertThat(r.statusCode() + " " + AttackScenarios.error(r)).as(r.request().method() + " " + r.uri()).isIn(REFUSALS);
        }
        return d;
    }

    /** The incident the rule raised, as an administrator lists it: technique, the stolen token, its address. */
    private static JsonNode incident(Scene s, String rule, String technique) throws InterruptedException {
        JsonNode incident = AttackScenarios.awaitIncident(s.staff(), s.node().adminToken, AttackScenarios.ruleNamed(rule), Duration.ofSeconds(5));
        assertThat(AttackScenarios.texts(incident.path("techniques"), "id")).as(incident.toString()).contains(technique);
        assertThat(AttackScenarios.texts(incident.path("actors"), "")).containsExactly("token:" + Tokens.idOf(s.stolen()));
        assertThat(AttackScenarios.texts(incident.path("addresses"), "")).contains(AttackScenarios.ATTACKER_ADDRESS);
        assertThat(incident.path("started").asText()).isNotEmpty();
        assertThat(incident.path("status").asText()).isEqualTo("contained");
        return incident;
    }

    /**
     * Undo by the bootstrap admin (independent of the stolen token), then every body as before: with
     * {@code kalaja incident undo ID} from the incident's own start, or, given {@code since}, through the API
     * from that time.
     */
    private static void undoAndCheck(Scene s, JsonNode incident, List<Shot> damage, @Nullable Instant since) {
        RunningNode n = s.node();
        Api api = s.staff();
        String reader = s.clerk();
        String collection = "citizens";
        String id = incident.path("id").asText();
        String out;
        if (since == null) {
            CliTest.Run undo = CliTest.kalaja("incident", "undo", id, "--url", n.url("/"), "--token", n.adminToken);
            assertThat(undo.exit()).as(undo.out() + undo.err()).isZero();
            out = undo.out();
        } else {
            HttpResponse<String> undo = api.send("POST", "/api/v1/incidents/" + id + "/undo", n.adminToken, "{\"since\":\"" + since + "\"}");
            assertThat(undo.statusCode()).as(undo.body()).isEqualTo(200);
            out = undo.body();
        }
        JsonNode result = RemoteNode.parse(out);
        System.out.printf(Locale.ROOT, "[sentinel e2e] undo of %s: %d restored, %d conflicts, %d unchanged%n", id, result.path("restored").size(),
                result.path("conflicts").size(), result.path("unchanged").asInt());
        List<String> undone = new ArrayList<>(AttackScenarios.texts(result.path("restored"), "record"));
        undone.addAll(AttackScenarios.texts(result.path("deleted"), "record"));
        List<String> missed = damage.stream().filter(x -> !undone.contains(collection + "/" + x.key()))
                .map(x -> x + " " + api.get(record(collection, x.key()) + "/history", reader).body()).toList();
        assertThat(missed).as("damaged records the undo left out; the incident: %s", incident).isEmpty();
        assertThat(undone).hasSize(damage.size());
        assertThat(result.path("conflicts").size()).as("no one else wrote those records").isZero();
        s.records().forEach((k, body) -> assertThat(api.get(record(collection, k), reader).body()).as(k).isEqualTo(body));
    }

    /** The newest entries need a checkpoint first: investigate refuses (writing nothing) until one covers them. */
    private static CliTest.Run investigate(String id, Path data, Path out) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        CliTest.Run r;
        do {
            r = CliTest.kalaja("investigate", id, "--data", data.toString(), "--out", out.toString());
            if (r.exit() == 0 || !(r.out() + r.err()).contains("checkpoint")) return r;
            if (Files.exists(out)) {
                try (var left = Files.list(out)) {
                    assertThat(left).as("a refused pack leaves nothing behind").isEmpty();
                }
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return r;
    }
}
