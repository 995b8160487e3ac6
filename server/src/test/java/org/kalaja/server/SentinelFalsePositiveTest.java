package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.server.AttackScenarios.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.server.AttackScenarios.Api;
import org.kalaja.server.AttackScenarios.Shot;

/**
 * Legitimate work that looks like an attack to a naive rule must go through untouched on a node running
 * the default rules: a clerk's batch of 200 approvals, an announced bulk clean-up in a maintenance window
 * two administrators approved, and citizens uploading compressed or encrypted attachments. "Untouched"
 * means every request served, no incident, and the actor still working afterwards.
 */
@Timeout(90)
class SentinelFalsePositiveTest {
    @TempDir
    Path dir;

    @Test
    void clerkApprovingTwoHundredApplicationsInABatchIsNotContained() throws Exception {
        try (RunningNode n = RunningNode.start(dir)) {
            Api api = AttackScenarios.api(n);
            String portal = n.tokenFor(Role.SERVICE);
            String clerk = n.tokenFor(Role.CLERK);
            Map<String, String> applications = AttackScenarios.writeCitizens(api, portal, "applications", "a", 200);

            // The clerk opens each application, checks it and approves it: a read and a write per record.
            List<Shot> batch = AttackScenarios.burst(8, List.copyOf(applications.keySet()), k -> {
                HttpResponse<String> read = api.get(record("applications", k), clerk);
                if (read.statusCode() != 200) return read;
                return api.send("PUT", record("applications", k), clerk, read.body().replace("\"submitted\"", "\"approved\""));
            });

            assertThat(batch).allSatisfy(s -> assertThat(s.served()).as(s.toString()).isTrue());
            assertNotContained(api, n, clerk, "applications", "a199");
            assertThat(api.get(record("applications", "a17"), clerk).body()).contains("\"approved\"");
        }
    }

    @Test
    void announcedBulkDeletionInAMaintenanceWindowApprovedByTwoAdminsIsNotContained() throws Exception {
        try (RunningNode n = RunningNode.start(dir)) {
            Api api = AttackScenarios.api(n);
            String secondAdmin = n.tokenFor(Role.ADMIN);
            String job = n.tokenFor(Role.SERVICE);
            Map<String, String> expired = AttackScenarios.writeCitizens(api, n.tokenFor(Role.CLERK), "drafts", "d", 60);
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            String request = "{\"action\":\"maintenance.window\",\"params\":{\"actors\":[\"token:" + Tokens.idOf(job)
                    + "\"],\"collections\":[\"drafts\"],\"actions\":[\"record.delete\"],\"from\":\"" + now.minusSeconds(60) + "\",\"until\":\""
                    + now.plusSeconds(600) + "\",\"max\":100,\"reason\":\"delete drafts older than a year\"},"
                    + "\"reason\":\"yearly clean-up of expired drafts, ticket 4711\"}";

            HttpResponse<String> requested = api.send("POST", "/api/v1/approvals", n.adminToken, request);
            assertThat(requested.statusCode()).as(requested.body()).isBetween(200, 201);
            String approval = RemoteNode.parse(requested.body()).path("id").asText();
            HttpResponse<String> approved = api.send("POST", "/api/v1/approvals/" + approval + "/approve", secondAdmin, null);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);

            List<String> fifty = new ArrayList<>(expired.keySet()).subList(0, 50);
            List<Shot> deletions = AttackScenarios.burst(8, fifty, k -> api.send("DELETE", record("drafts", k), job, null));

            assertThat(deletions).allSatisfy(s -> assertThat(s.served()).as(s.toString()).isTrue());
            assertNotContained(api, n, job, "drafts", "d55");
            assertThat(api.get("/api/v1/records/drafts", job).body()).contains("\"d50\"").doesNotContain("\"d49\"");
        }
    }

    @Test
    void citizensUploadingCompressedOrEncryptedAttachmentsAreNotContained() throws Exception {
        try (RunningNode n = RunningNode.start(dir)) {
            Api api = AttackScenarios.api(n);
            String portal = n.tokenFor(Role.SERVICE);
            Map<String, String> files = AttackScenarios.writeCitizens(api, portal, "applications", "a", 24);

            // Each citizen attaches a payslip (gzip) or a scanned, client-side encrypted document, then replaces it.
            List<Shot> uploads = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                uploads.addAll(AttackScenarios.burst(8, List.copyOf(files.keySet()), k -> {
                    boolean encrypted = Integer.parseInt(k.substring(1)) % 2 == 0;
                    String attachment = encrypted ? AttackScenarios.encryptedFile(3000) : AttackScenarios.compressedFile(120);
                    String body = files.get(k);
                    return api.send("PUT", record("applications", k), portal, body.substring(0, body.length() - 1)
                            + ",\"attachment\":{\"type\":\"" + (encrypted ? "application/octet-stream" : "application/gzip")
                            + "\",\"content\":\"" + attachment + "\"}}");
                }));
            }

            assertThat(uploads).allSatisfy(s -> assertThat(s.served()).as(s.toString()).isTrue());
            assertNotContained(api, n, portal, "applications", "a3");
        }
    }

    /** No incident, no safe mode, and the actor still reads and writes. */
    private static void assertNotContained(Api api, RunningNode n, String actor, String collection, String key) throws InterruptedException {
        n.node.sentinel().sentinel().flush();
        List<JsonNode> incidents = AttackScenarios.incidents(api, n.adminToken);
        assertThat(incidents).as("incidents raised").isEmpty();
        JsonNode status = RemoteNode.parse(api.get("/api/v1/sentinel", n.adminToken).body());
        assertThat(status.path("safe_mode").asBoolean(true)).as("safe mode, GET /api/v1/sentinel: %s", status).isFalse();
        assertThat(status.path("frozen_actors").asInt(-1)).as("frozen actors").isZero();
        assertThat(api.get(record(collection, key), actor).statusCode()).isEqualTo(200);
        assertThat(api.send("PUT", record(collection, "after-the-batch"), actor, "{\"ok\":true}").statusCode()).isEqualTo(201);
    }
}
