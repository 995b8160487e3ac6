package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordsApiTest {
    @TempDir
    Path dir;
    RunningNode n;
    String token;

    @BeforeEach
    void start() {
        n = RunningNode.start(dir);
        token = n.adminToken;
    }

    @AfterEach
    void stop() {
        n.close();
    }

    static JsonNode json(HttpResponse<String> r) {
        return RemoteNode.parse(r.body());
    }

    @Test
    void putCreatesThenReplacesWithVersionIndexAndEtag() {
        HttpResponse<String> created = n.put("/api/v1/records/citizens/A1", token, "{\"name\": \"Arta\"}");
        HttpResponse<String> replaced = n.put("/api/v1/records/citizens/A1", token, "{\"name\": \"Besa\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).path("version").asLong()).isEqualTo(1);
        assertThat(json(created).path("collection").asText()).isEqualTo("citizens");
        assertThat(json(created).path("key").asText()).isEqualTo("A1");
        assertThat(json(created).path("replayed").asBoolean()).isFalse();
        assertThat(created.headers().firstValue("ETag")).contains("\"1\"");
        assertThat(replaced.statusCode()).isEqualTo(200);
        assertThat(json(replaced).path("version").asLong()).isEqualTo(2);
        assertThat(json(replaced).path("index").asLong()).isEqualTo(json(created).path("index").asLong() + 1);
    }

    @Test
    void getReturnsTheBodyWithVersionHeaders() {
        HttpResponse<String> put = n.put("/api/v1/records/citizens/A1", token, "{\"name\": \"Arta\"}");

        HttpResponse<String> got = n.get("/api/v1/records/citizens/A1", token);

        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(got).path("name").asText()).isEqualTo("Arta");
        assertThat(got.headers().firstValue("ETag")).contains("\"1\"");
        assertThat(got.headers().firstValue("Kalaja-Version")).contains("1");
        assertThat(got.headers().firstValue("Kalaja-Index")).contains(json(put).path("index").asText());
        assertThat(got.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(got.headers().firstValue("Cache-Control")).contains("no-store");
    }

    @Test
    void asOfReadsByIndexAndByTimeSeeOldVersions() throws InterruptedException {
        long first = json(n.put("/api/v1/records/citizens/A1", token, "{\"city\": \"Tirana\"}")).path("index").asLong();
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        n.put("/api/v1/records/citizens/A1", token, "{\"city\": \"Durres\"}");

        assertThat(json(n.get("/api/v1/records/citizens/A1?at=" + first, token)).path("city").asText()).isEqualTo("Tirana");
        assertThat(json(n.get("/api/v1/records/citizens/A1?asOf=" + between, token)).path("city").asText()).isEqualTo("Tirana");
        assertThat(json(n.get("/api/v1/records/citizens/A1", token)).path("city").asText()).isEqualTo("Durres");
        assertThat(n.get("/api/v1/records/citizens/A1?at=" + (first - 1), token).statusCode()).isEqualTo(404);
        assertThat(n.get("/api/v1/records/citizens/A1?asOf=yesterday", token).statusCode()).isEqualTo(400);
    }

    @Test
    void deleteRemovesTheRecordButKeepsItsHistory() {
        n.put("/api/v1/records/citizens/A1", token, "{\"v\": 1}");

        HttpResponse<String> deleted = n.send("DELETE", "/api/v1/records/citizens/A1", token, null, Map.of());

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).path("version").asLong()).isEqualTo(2);
        assertThat(n.get("/api/v1/records/citizens/A1", token).statusCode()).isEqualTo(404);
        JsonNode history = json(n.get("/api/v1/records/citizens/A1/history", token));
        assertThat(history.path("versions").get(0).path("deleted").asBoolean()).isTrue();
        assertThat(history.path("versions").get(1).path("version").asLong()).isEqualTo(1);
        assertThat(n.send("DELETE", "/api/v1/records/citizens/A1", token, null, Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void historyIsNewestFirstAndPagesWithBefore() {
        for (int i = 1; i <= 5; i++) n.put("/api/v1/records/citizens/A1", token, "{\"v\": " + i + "}");

        JsonNode page1 = json(n.get("/api/v1/records/citizens/A1/history?limit=2", token));
        JsonNode page2 = json(n.get("/api/v1/records/citizens/A1/history?limit=2&before=" + page1.path("next").asLong(), token));
        JsonNode page3 = json(n.get("/api/v1/records/citizens/A1/history?limit=2&before=" + page2.path("next").asLong(), token));

        assertThat(page1.path("versions").findValuesAsText("version")).containsExactly("5", "4");
        assertThat(page2.path("versions").findValuesAsText("version")).containsExactly("3", "2");
        assertThat(page3.path("versions").findValuesAsText("version")).containsExactly("1");
        assertThat(page3.path("next").isNull()).isTrue();
        assertThat(page1.path("versions").get(0).path("actor").asText()).startsWith("token:");
        assertThat(n.get("/api/v1/records/citizens/never/history", token).statusCode()).isEqualTo(404);
    }

    @Test
    void listPagesThroughKeysInOrder() {
        for (String k : new String[] {"c", "a", "b"}) n.put("/api/v1/records/towns/" + k, token, "{}");

        JsonNode page1 = json(n.get("/api/v1/records/towns?limit=2", token));
        JsonNode page2 = json(n.get("/api/v1/records/towns?limit=2&after=" + page1.path("next").asText(), token));

        assertThat(page1.path("records").findValuesAsText("key")).containsExactly("a", "b");
        assertThat(page1.path("records").get(0).path("version").asLong()).isEqualTo(1);
        assertThat(page2.path("records").findValuesAsText("key")).containsExactly("c");
        assertThat(page2.path("next").isNull()).isTrue();
    }

    @Test
    void idempotentRetryReturnsTheSameIndexAndAppendsOnce() {
        Map<String, String> key = Map.of("Idempotency-Key", "application-77");
        HttpResponse<String> first = n.send("PUT", "/api/v1/records/citizens/A1", token, "{\"v\": 1}", key);
        long size = n.writes();

        HttpResponse<String> retry = n.send("PUT", "/api/v1/records/citizens/A1", token, "{\"v\": 1}", key);

        assertThat(json(retry).path("index").asLong()).isEqualTo(json(first).path("index").asLong());
        assertThat(json(retry).path("replayed").asBoolean()).isTrue();
        assertThat(n.writes()).isEqualTo(size);
        HttpResponse<String> reuse = n.send("PUT", "/api/v1/records/citizens/A1", token, "{\"v\": 2}", key);
        assertThat(reuse.statusCode()).isEqualTo(422);
        assertThat(json(reuse).path("error").asText()).isEqualTo("idempotency_key_reused");
        assertThat(n.writes()).isEqualTo(size);
    }

    @Test
    void ifMatchConflictIsRefusedWith412AndWritesNothing() {
        n.put("/api/v1/records/citizens/A1", token, "{\"v\": 1}");
        n.put("/api/v1/records/citizens/A1", token, "{\"v\": 2}");
        long size = n.writes();

        HttpResponse<String> stale = n.send("PUT", "/api/v1/records/citizens/A1", token, "{\"v\": 3}", Map.of("If-Match", "\"1\""));
        HttpResponse<String> fresh = n.send("PUT", "/api/v1/records/citizens/A1", token, "{\"v\": 3}", Map.of("If-Match", "\"2\""));

        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(json(stale).path("error").asText()).isEqualTo("version_conflict");
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(n.writes()).isEqualTo(size + 1);
    }

    @Test
    void ifMatchOnAMissingRecordSaysItNeedsAnExistingOne() {
        HttpResponse<String> r = n.send("PUT", "/api/v1/records/citizens/NEW1", token, "{}", Map.of("If-Match", "\"1\""));

        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(json(r).path("detail").asText()).contains("does not exist; If-Match needs an existing record");
    }

    @Test
    void historyOfANeverWrittenRecordSaysSoAndADeletedOnesHistoryStays() {
        n.put("/api/v1/records/citizens/A1", token, "{}");
        n.send("DELETE", "/api/v1/records/citizens/A1", token, null, Map.of());

        HttpResponse<String> never = n.get("/api/v1/records/citizens/NOBODY/history", token);

        assertThat(never.statusCode()).isEqualTo(404);
        assertThat(json(never).path("detail").asText()).contains("was never written").doesNotContain("deleted");
        assertThat(n.get("/api/v1/records/citizens/A1/history", token).statusCode()).isEqualTo(200);
    }

    @Test
    void ifNoneMatchStarCreatesOnlyWhenAbsent() {
        Map<String, String> absent = Map.of("If-None-Match", "*");
        assertThat(n.send("PUT", "/api/v1/records/citizens/A1", token, "{}", absent).statusCode()).isEqualTo(201);
        assertThat(n.send("PUT", "/api/v1/records/citizens/A1", token, "{}", absent).statusCode()).isEqualTo(412);
    }

    @Test
    void deleteWithStaleIfMatchIsRefused() {
        n.put("/api/v1/records/citizens/A1", token, "{}");
        n.put("/api/v1/records/citizens/A1", token, "{}");

        assertThat(n.send("DELETE", "/api/v1/records/citizens/A1", token, null, Map.of("If-Match", "1")).statusCode()).isEqualTo(412);
        assertThat(n.get("/api/v1/records/citizens/A1", token).statusCode()).isEqualTo(200);
    }

    @Test
    void everyWriteRecordsTheCallersTokenAddressAndUserAgent() {
        long index = json(n.put("/api/v1/records/citizens/A1", token, "{}")).path("index").asLong();

        var entry = org.kalaja.ledger.EntryCodec.decode(n.node.store().entry(index).orElseThrow().data());
        assertThat(entry.actor()).isEqualTo("token:" + org.kalaja.engine.Tokens.idOf(token));
        assertThat(entry.clientAddress()).isEqualTo("127.0.0.1");
        assertThat(entry.userAgent()).isEqualTo("kalaja-test/1");
    }
}
