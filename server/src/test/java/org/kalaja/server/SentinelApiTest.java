package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;

/** The sentinel through the real HTTP API: containment answers, incidents, approvals and undo. */
@Timeout(60)
class SentinelApiTest {
    @TempDir
    Path dir;

    @Test
    void incidentsListedAfterAMassDeletion() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            n.seed("civil", 15);
            String stolen = n.tokenFor(Role.ADMIN, "stolen");
            for (int i = 0; i < 10; i++) {
                assertThat(n.send("DELETE", "/api/v1/records/civil/k" + i, stolen, null).statusCode()).as("delete %d", i).isEqualTo(200);
            }
            HttpResponse<String> eleventh = n.send("DELETE", "/api/v1/records/civil/k10", stolen, null);
            assertThat(eleventh.statusCode()).isEqualTo(403);
            assertThat(GuardedNode.json(eleventh).path("error").asText()).isEqualTo("actor_frozen");
            assertThat(n.send("GET", "/api/v1/records/civil/k10", n.adminToken, null).statusCode()).as("the 11th record is kept").isEqualTo(200);
            // Frozen at once, revoked a few milliseconds later: refused either way, for reads too.
            assertThat(n.send("GET", "/api/v1/records/civil/k11", stolen, null).statusCode()).as("refused everywhere").isIn(401, 403);

            JsonNode incident = n.incidents().getFirst();
            assertThat(incident.path("rule").path("name").asText()).isEqualTo("mass_deletion");
            assertThat(incident.path("actors").toString()).contains(GuardedNode.actor(stolen));
            assertThat(incident.path("techniques").toString()).contains("T1485");
            assertThat(incident.path("started").asText()).isNotEmpty();
            assertThat(incident.path("status").asText()).isIn("open", "contained");
            assertThat(eleventh.headers().firstValue("Kalaja-Incident")).contains(incident.path("id").asText());
            JsonNode one = GuardedNode.json(n.send("GET", "/api/v1/incidents/" + incident.path("id").asText(), n.adminToken, null));
            assertThat(one.path("id").asText()).isEqualTo(incident.path("id").asText());
        }
    }

    @Test
    void safeModeReturns503AndReadsWork() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of("canary.yml", GuardedNode.CANARY_RULE))) {
            n.seed("civil", 2);
            assertThat(n.send("PUT", "/api/v1/records/canary/trip", n.adminToken, "{\"canary\": true}").statusCode()).isEqualTo(201);
            String intruder = n.tokenFor(Role.CLERK, "intruder");
            HttpResponse<String> tripped = n.send("DELETE", "/api/v1/records/canary/trip", intruder, null);
            assertThat(tripped.statusCode()).isEqualTo(503);

            HttpResponse<String> write = n.send("PUT", "/api/v1/records/civil/k0", n.adminToken, GuardedNode.body(7));
            assertThat(write.statusCode()).isEqualTo(503);
            assertThat(GuardedNode.json(write).path("error").asText()).isEqualTo("safe_mode");
            assertThat(write.headers().firstValue("Retry-After")).contains("60");
            String incident = write.headers().firstValue("Kalaja-Incident").orElseThrow();
            assertThat(GuardedNode.json(write).path("detail").asText()).contains("safe mode").contains("/api/v1/incidents/" + incident);
            assertThat(n.send("DELETE", "/api/v1/records/civil/k1", n.adminToken, null).statusCode()).isEqualTo(503);
            assertThat(n.send("POST", "/api/v1/tokens", n.adminToken, "{\"role\": \"admin\", \"name\": \"x\"}").statusCode())
                    .as("no new credentials in safe mode").isEqualTo(503);

            HttpResponse<String> read = n.send("GET", "/api/v1/records/civil/k0", n.adminToken, null);
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).contains("citizen 0");
            assertThat(n.send("GET", "/api/v1/records/civil", n.adminToken, null).statusCode()).isEqualTo(200);
            assertThat(n.send("GET", "/api/v1/records/canary/trip", n.adminToken, null).statusCode()).as("the canary was not deleted").isEqualTo(200);
            JsonNode status = GuardedNode.json(n.send("GET", "/api/v1/sentinel", n.adminToken, null));
            assertThat(status.path("safe_mode").asBoolean()).isTrue();
            assertThat(status.path("safe_mode_incident").asText()).isEqualTo(incident);
            assertThat(n.send("GET", "/metrics", null, null).body()).contains("kalaja_sentinel_safe_mode 1");
        }
    }

    @Test
    void leavingSafeModeNeedsTwoAdmins() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of("canary.yml", GuardedNode.CANARY_RULE))) {
            String second = n.tokenFor(Role.ADMIN, "second admin");
            assertThat(n.send("PUT", "/api/v1/records/canary/trip", n.adminToken, "{}").statusCode()).isEqualTo(201);
            Thread.sleep(5); // the admins' tokens are older than the incident
            n.send("DELETE", "/api/v1/records/canary/trip", n.tokenFor(Role.CLERK, "intruder"), null);

            HttpResponse<String> requested = n.send("POST", "/api/v1/approvals", n.adminToken,
                    "{\"action\": \"safe_mode.exit\", \"params\": {}, \"reason\": \"canary tripped by a test\"}");
            assertThat(requested.statusCode()).isEqualTo(201);
            String id = GuardedNode.json(requested).path("id").asText();
            HttpResponse<String> self = n.send("POST", "/api/v1/approvals/" + id + "/approve", n.adminToken, null);
            assertThat(self.statusCode()).isEqualTo(403);
            assertThat(GuardedNode.json(self).path("error").asText()).isEqualTo("approver_not_independent");
            assertThat(n.send("PUT", "/api/v1/records/civil/a", n.adminToken, "{}").statusCode()).as("still in safe mode").isEqualTo(503);

            HttpResponse<String> approved = n.send("POST", "/api/v1/approvals/" + id + "/approve", second, null);
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            assertThat(GuardedNode.json(approved).path("status").asText()).isEqualTo("executed");
            assertThat(n.send("PUT", "/api/v1/records/civil/a", n.adminToken, "{}").statusCode()).isEqualTo(201);
            HttpResponse<String> again = n.send("POST", "/api/v1/approvals/" + id + "/approve", second, null);
            assertThat(again.statusCode()).isEqualTo(409);
            assertThat(GuardedNode.json(again).path("error").asText()).isEqualTo("approval_conflict");
        }
    }

    @Test
    void undoThroughTheApiRestoresRecords() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            String stolen = n.massDeletion(Role.ADMIN).token();
            String id = n.incidents().getFirst().path("id").asText();

            JsonNode dry = GuardedNode.json(n.send("POST", "/api/v1/incidents/" + id + "/undo", n.adminToken,
                    "{\"dry_run\": true}"));
            assertThat(dry.path("restored")).hasSize(10);
            assertThat(n.send("GET", "/api/v1/records/civil/k0", n.adminToken, null).statusCode()).as("a dry run writes nothing").isEqualTo(404);

            HttpResponse<String> undone = n.send("POST", "/api/v1/incidents/" + id + "/undo", n.adminToken, "{\"addresses\": false}");
            assertThat(undone.statusCode()).as(undone.body()).isEqualTo(200);
            assertThat(GuardedNode.json(undone).path("restored")).hasSize(10);
            assertThat(GuardedNode.json(undone).path("conflicts")).isEmpty();
            for (int i = 0; i < 12; i++) {
                HttpResponse<String> r = n.send("GET", "/api/v1/records/civil/k" + i, n.adminToken, null);
                assertThat(r.statusCode()).as("record %d", i).isEqualTo(200);
                assertThat(GuardedNode.json(r)).isEqualTo(HttpApi.JSON.readTree(GuardedNode.body(i)));
            }
            assertThat(n.incidents().getFirst().path("status").asText()).isEqualTo("undone");
            HttpResponse<String> byAttacker = n.send("POST", "/api/v1/incidents/" + id + "/undo", stolen, "{}");
            assertThat(byAttacker.statusCode()).as("the rule revoked and froze the attacker's token").isEqualTo(403);
            assertThat(GuardedNode.json(byAttacker).path("error").asText()).isEqualTo("actor_frozen");
        }
    }

    @Test
    void aFrozenTokenRetryingHearsItIsFrozenAndLocksNobodyOutOfItsAddress() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            String stolen = n.massDeletion(Role.ADMIN).token();
            for (int i = 0; i < 15; i++) {
                HttpResponse<String> retry = n.send("GET", "/api/v1/records/civil/k20", stolen, null);
                assertThat(retry.statusCode()).isEqualTo(403);
                assertThat(GuardedNode.json(retry).path("error").asText()).isEqualTo("actor_frozen");
            }
            assertThat(n.send("GET", "/api/v1/incidents", n.adminToken, null).statusCode()).as("the admin at the same address").isEqualTo(200);
        }
    }

    @Test
    void unknownTokenFloodBlocksTheAddress() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            int refused = 0;
            HttpResponse<String> last = null;
            for (int i = 0; i < 12; i++) {
                last = n.send("GET", "/api/v1/records/civil/k0", "kalaja_guess_" + i + "_0000000000000000", null);
                if (last.statusCode() == 401) refused++;
                else break;
            }
            assertThat(refused).as("failed sign-ins answered 401 before the block").isEqualTo(9);
            assertThat(last.statusCode()).isEqualTo(403);
            assertThat(GuardedNode.json(last).path("error").asText()).isEqualTo("address_blocked");
            HttpResponse<String> valid = n.send("GET", "/api/v1/records/civil", n.adminToken, null);
            assertThat(valid.statusCode()).as("the address is blocked, whatever the token").isEqualTo(403);
            assertThat(GuardedNode.json(valid).path("detail").asText()).contains("127.0.0.1").contains("until");
            assertThat(valid.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void errorBodiesAreJsonWithReasons() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            GuardedNode.Attack attack = n.massDeletion(Role.SERVICE);
            String stolen = attack.token();
            JsonNode frozen = GuardedNode.json(attack.eleventh());
            assertThat(frozen.path("error").asText()).isEqualTo("actor_frozen");
            assertThat(frozen.path("detail").asText()).contains(GuardedNode.actor(stolen)).contains("frozen").contains("actor.unfreeze");

            JsonNode missing = GuardedNode.json(n.send("GET", "/api/v1/incidents/inc-20200101-000000", n.adminToken, null));
            assertThat(missing.path("error").asText()).isEqualTo("not_found");
            assertThat(missing.path("detail").asText()).contains("/api/v1/incidents");
            HttpResponse<String> unknownAction = n.send("POST", "/api/v1/approvals", n.adminToken,
                    "{\"action\": \"sentinel.off\", \"params\": {}, \"reason\": \"x\"}");
            assertThat(unknownAction.statusCode()).isEqualTo(400);
            assertThat(GuardedNode.json(unknownAction).path("error").asText()).isEqualTo("invalid_request");
            assertThat(GuardedNode.json(unknownAction).path("detail").asText()).contains("safe_mode.exit");
            HttpResponse<String> noApproval = n.send("POST", "/api/v1/approvals/apr-20200101-000000/approve", n.adminToken, null);
            assertThat(noApproval.statusCode()).isEqualTo(404);
            assertThat(GuardedNode.json(noApproval).path("error").asText()).isEqualTo("not_found");
            HttpResponse<String> clerk = n.send("GET", "/api/v1/incidents", n.tokenFor(Role.CLERK, "clerk"), null);
            assertThat(clerk.statusCode()).isEqualTo(403);
            assertThat(GuardedNode.json(clerk).path("error").asText()).isEqualTo("forbidden");
        }
    }
}
