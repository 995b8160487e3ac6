package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refused request answers JSON {"error","detail"} with the right status and writes nothing. */
class ErrorsApiTest {
    @TempDir
    Path dir;
    RunningNode n;
    long sizeBefore;

    @BeforeEach
    void start() {
        n = RunningNode.start(dir);
        n.put("/api/v1/records/citizens/A1", n.adminToken, "{\"v\": 1}");
        sizeBefore = n.writes();
    }

    @AfterEach
    void stop() {
        n.close();
    }

    private void assertRefused(HttpResponse<String> r, int status, String error) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode body = RemoteNode.parse(r.body());
        assertThat(body.path("error").asText()).isEqualTo(error);
        assertThat(body.path("detail").asText()).isNotBlank();
        assertThat(n.writes()).as("writes after a refused request").isEqualTo(sizeBefore);
    }

    @Test
    void malformedJsonIs400() {
        assertRefused(n.put("/api/v1/records/citizens/A2", n.adminToken, "{\"v\": "), 400, "malformed_json");
        assertRefused(n.put("/api/v1/records/citizens/A2", n.adminToken, "[1, 2]"), 400, "malformed_json");
        assertRefused(n.put("/api/v1/records/citizens/A2", n.adminToken, "{\"a\":1,\"a\":2}"), 400, "malformed_json");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"pad\": \"" + "x".repeat(RunningNode.BODY_LIMIT) + "\"}";
        assertRefused(n.put("/api/v1/records/citizens/A2", n.adminToken, big), 413, "body_too_large");
    }

    @Test
    void wrongContentTypeIs415() {
        assertRefused(n.send("PUT", "/api/v1/records/citizens/A2", n.adminToken, "{}", Map.of("Content-Type", "text/plain")),
                415, "unsupported_media_type");
        assertRefused(n.send("PUT", "/api/v1/records/citizens/A2", n.adminToken, "{}",
                Map.of("Content-Type", "application/x-www-form-urlencoded")), 415, "unsupported_media_type");
    }

    @Test
    void badCollectionOrKeyNamesAre400() {
        assertRefused(n.put("/api/v1/records/Citizens/A2", n.adminToken, "{}"), 400, "invalid_name");
        assertRefused(n.put("/api/v1/records/citizens/-A2", n.adminToken, "{}"), 400, "invalid_name");
        assertRefused(n.put("/api/v1/records/kalaja.tokens/A2", n.adminToken, "{}"), 400, "invalid_name");
        assertRefused(n.get("/api/v1/records/citizens/%20x", n.adminToken), 400, "invalid_name");
    }

    @Test
    void badPreconditionsAndParametersAre400() {
        assertRefused(n.send("PUT", "/api/v1/records/citizens/A1", n.adminToken, "{}", Map.of("If-Match", "yesterday")),
                400, "invalid_precondition");
        assertRefused(n.send("PUT", "/api/v1/records/citizens/A1", n.adminToken, "{}", Map.of("Idempotency-Key", "has space")),
                400, "invalid_idempotency_key");
        assertRefused(n.get("/api/v1/records/citizens/A1?at=-1", n.adminToken), 400, "invalid_parameter");
        assertRefused(n.get("/api/v1/records/citizens?limit=100000", n.adminToken), 400, "invalid_parameter");
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        assertRefused(n.get("/api/v1/nothing-here", n.adminToken), 404, "no_such_route");
        assertRefused(n.send("PATCH", "/api/v1/records/citizens/A1", n.adminToken, "{}", Map.of()), 405, "method_not_allowed");
        assertRefused(n.send("POST", "/api/v1/records/citizens/A1", n.adminToken, "{}", Map.of()), 405, "method_not_allowed");
    }

    @Test
    void wrongMethodNamesTheRoutesMethodsInAllow() {
        HttpResponse<String> onRecord = n.send("POST", "/api/v1/records/citizens/A1", n.adminToken, "{}", Map.of());
        HttpResponse<String> onTokens = n.send("GET", "/api/v1/tokens", n.adminToken, null, Map.of());

        assertRefused(onRecord, 405, "method_not_allowed");
        assertThat(allowed(onRecord)).containsExactlyInAnyOrder("GET", "PUT", "DELETE");
        assertThat(allowed(onTokens)).containsExactly("POST");
    }

    private static java.util.List<String> allowed(HttpResponse<String> r) {
        String allow = r.headers().firstValue("Allow").orElseThrow(() -> new AssertionError("no Allow header on a 405"));
        return java.util.Arrays.stream(allow.split(",")).map(String::strip).toList();
    }

    @Test
    void atBeyondTheLogIsRefusedNamingTheLogSize() {
        HttpResponse<String> beyond = n.get("/api/v1/records/citizens/A1?at=999", n.adminToken);
        HttpResponse<String> atSize = n.get("/api/v1/records/citizens/A1?at=" + sizeBefore, n.adminToken);

        assertRefused(beyond, 400, "invalid_parameter");
        assertThat(RemoteNode.parse(beyond.body()).path("detail").asText()).contains("the log has " + sizeBefore + " entries");
        assertRefused(atSize, 400, "invalid_parameter");
        assertThat(n.get("/api/v1/records/citizens/A1?at=" + (sizeBefore - 1), n.adminToken).statusCode()).isEqualTo(200);
    }

    @Test
    void proofSizesOutOfRangeAreInvalidParameter() {
        n.node.log().integrate();
        long size = n.node.log().checkpointSize();

        assertRefused(n.get("/api/v1/proofs/inclusion?index=0&size=" + (size + 1), null), 400, "invalid_parameter");
        assertRefused(n.get("/api/v1/proofs/inclusion?index=" + size + "&size=" + size, null), 400, "invalid_parameter");
        assertRefused(n.get("/api/v1/proofs/consistency?old=" + size + "&new=1", null), 400, "invalid_parameter");
    }

    @Test
    void afterThatIsNotAKeyIsAnInvalidName() {
        assertRefused(n.get("/api/v1/records/citizens?after=-x", n.adminToken), 400, "invalid_name");
        assertThat(n.get("/api/v1/records/citizens?after=A0", n.adminToken).statusCode()).isEqualTo(200);
    }

    @Test
    void nonCanonicalTilePathIsNoSuchTile() {
        assertRefused(n.get("/log/tile/0/0", null), 404, "no_such_tile");
        assertRefused(n.get("/log/tile/entries/000.p/0", null), 404, "no_such_tile");
    }

    @Test
    void missingOrBadTokenIs401WithAChallenge() {
        HttpResponse<String> none = n.put("/api/v1/records/citizens/A2", null, "{}");
        HttpResponse<String> bad = n.put("/api/v1/records/citizens/A2", "kalaja_not-a-real-token-at-all", "{}");

        assertRefused(none, 401, "unauthorized");
        assertRefused(bad, 401, "unauthorized");
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(bad.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertRefused(n.get("/api/v1/records/citizens/A1", null), 401, "unauthorized");
    }

    @Test
    void missingRecordIs404() {
        assertRefused(n.get("/api/v1/records/citizens/nobody", n.adminToken), 404, "not_found");
    }
}
