package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.ledger.EntryKind;

class AuthApiTest {
    @TempDir
    Path dir;
    RunningNode n;

    @BeforeEach
    void start() {
        n = RunningNode.start(dir);
        n.put("/api/v1/records/citizens/A1", n.adminToken, "{}");
    }

    @AfterEach
    void stop() {
        n.close();
    }

    private int status(String method, String path, String token, String body) {
        return n.send(method, path, token, body, Map.of()).statusCode();
    }

    @Test
    void roleMatrix() {
        for (Role role : Role.values()) {
            String t = role == Role.ADMIN ? n.adminToken : n.tokenFor(role);
            boolean writes = role != Role.READER;
            boolean admin = role == Role.ADMIN;
            long size = n.writes();
            assertThat(status("GET", "/api/v1/records/citizens/A1", t, null)).as(role + " get").isEqualTo(200);
            assertThat(status("GET", "/api/v1/records/citizens/A1/history", t, null)).as(role + " history").isEqualTo(200);
            assertThat(status("GET", "/api/v1/records/citizens", t, null)).as(role + " list").isEqualTo(200);
            assertThat(status("PUT", "/api/v1/records/citizens/" + role.id(), t, "{}")).as(role + " put").isEqualTo(writes ? 201 : 403);
            assertThat(status("DELETE", "/api/v1/records/citizens/" + role.id(), t, null)).as(role + " delete").isEqualTo(writes ? 200 : 403);
            assertThat(status("POST", "/api/v1/tokens", t, "{\"role\":\"reader\",\"name\":\"x\"}")).as(role + " create token")
                    .isEqualTo(admin ? 201 : 403);
            assertThat(status("DELETE", "/api/v1/tokens/0123456789abcdef", t, null)).as(role + " revoke token")
                    .isEqualTo(admin ? 404 : 403);
            assertThat(n.writes()).as(role + " writes").isEqualTo(size + (writes ? 2 : 0) + (admin ? 1 : 0));
        }
    }

    @Test
    void logStatusAndProofsNeedNoToken() {
        assertThat(n.get("/api/v1/status", null).statusCode()).isEqualTo(200);
        assertThat(n.get("/log/vkey", null).statusCode()).isEqualTo(200);
    }

    @Test
    void adminCreatesATokenThatWorksAndRevokesItWithImmediateEffect() {
        HttpResponse<String> created = n.send("POST", "/api/v1/tokens", n.adminToken, "{\"role\":\"clerk\",\"name\":\"front desk\"}", Map.of());
        JsonNode body = RemoteNode.parse(created.body());
        String token = body.path("token").asText();
        String id = body.path("id").asText();

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(body.path("role").asText()).isEqualTo("clerk");
        assertThat(body.path("name").asText()).isEqualTo("front desk");
        assertThat(id).isEqualTo(Tokens.idOf(token));
        assertThat(n.put("/api/v1/records/citizens/B1", token, "{}").statusCode()).isEqualTo(201);

        HttpResponse<String> revoked = n.send("DELETE", "/api/v1/tokens/" + id, n.adminToken, null, Map.of());

        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(n.put("/api/v1/records/citizens/B2", token, "{}").statusCode()).isEqualTo(401);
        assertThat(n.get("/api/v1/records/citizens/B1", token).statusCode()).isEqualTo(401);
        var entry = n.lastWrite();
        assertThat(entry.kind()).isEqualTo(EntryKind.TOKEN_REVOKED);
        assertThat(entry.actor()).isEqualTo("token:" + Tokens.idOf(n.adminToken));
    }

    @Test
    void tokenRequestsAreValidated() {
        long size = n.writes();
        assertThat(status("POST", "/api/v1/tokens", n.adminToken, "{\"role\":\"root\",\"name\":\"x\"}")).isEqualTo(400);
        assertThat(status("POST", "/api/v1/tokens", n.adminToken, "{\"role\":\"clerk\"}")).isEqualTo(400);
        assertThat(status("POST", "/api/v1/tokens", n.adminToken, "{nope")).isEqualTo(400);
        assertThat(n.send("POST", "/api/v1/tokens", n.adminToken, "{}", Map.of("Content-Type", "text/plain")).statusCode()).isEqualTo(415);
        assertThat(n.writes()).isEqualTo(size);
    }

    @Test
    void bootstrapTokenFileIsPrivateAndHoldsTheFirstAdminToken() throws Exception {
        Path file = dir.resolve(Tokens.BOOTSTRAP_FILE);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file).strip()).isEqualTo(n.adminToken);
        assertThat(status("POST", "/api/v1/tokens", n.adminToken, "{\"role\":\"reader\",\"name\":\"x\"}")).isEqualTo(201);
    }
}
