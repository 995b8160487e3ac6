package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;

/** {@code kalaja incident|approval|sentinel|state-audit} against a running node. */
@Timeout(60)
class SentinelCliTest {
    @TempDir
    Path dir;

    @Test
    void incidentListShowsTheMassDeletionAndUndoRestoresTheRecords() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            String stolen = n.massDeletion(Role.ADMIN).token();

            CliTest.Run list = CliTest.kalaja("incident", "list", "--url", n.url(), "--token", n.adminToken);
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(list.out()).contains("mass_deletion").contains(GuardedNode.actor(stolen)).contains("T1485");
            String id = list.lines().getFirst().split(" ")[0];
            assertThat(id).startsWith("inc-");

            CliTest.Run show = CliTest.kalaja("incident", "show", id, "--url", n.url(), "--token", n.adminToken);
            assertThat(show.out()).contains("\"started\"").contains("\"techniques\"");

            CliTest.Run dry = CliTest.kalaja("incident", "undo", id, "--dry-run", "--url", n.url(), "--token", n.adminToken);
            assertThat(dry.exit()).isZero();
            assertThat(dry.err()).contains("would restore 10");
            assertThat(n.send("GET", "/api/v1/records/civil/k3", n.adminToken, null).statusCode()).isEqualTo(404);

            CliTest.Run undo = CliTest.kalaja("incident", "undo", id, "--url", n.url(), "--token", n.adminToken);
            assertThat(undo.exit()).as(undo.err()).isZero();
            assertThat(undo.err()).contains("restored 10").contains("conflicts 0");
            for (int i = 0; i < 10; i++) {
                assertThat(n.send("GET", "/api/v1/records/civil/k" + i, n.adminToken, null).body()).contains("citizen " + i);
            }
        }
    }

    @Test
    void sentinelStatusAndStateAuditReportACleanNode() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of())) {
            n.seed("civil", 3);
            CliTest.Run audit = CliTest.kalaja("state-audit", "--url", n.url(), "--token", n.adminToken);
            assertThat(audit.exit()).as(audit.err()).isZero();
            assertThat(audit.out()).contains("\"clean\" : true");
            CliTest.Run status = CliTest.kalaja("sentinel", "status", "--url", n.url(), "--token", n.adminToken);
            assertThat(status.exit()).isZero();
            assertThat(status.out()).contains("\"safe_mode\" : false").contains("\"rules\"");
            CliTest.Run noIncident = CliTest.kalaja("incident", "undo", "inc-20200101-000000", "--url", n.url(), "--token", n.adminToken);
            assertThat(noIncident.exit()).isEqualTo(1);
            assertThat(noIncident.err()).contains("404 not_found");
        }
    }

    @Test
    void approvalRequestedByOneAdminIsApprovedByAnother() throws Exception {
        try (GuardedNode n = GuardedNode.start(dir, Map.of("canary.yml", GuardedNode.CANARY_RULE))) {
            String second = n.tokenFor(Role.ADMIN, "second");
            n.send("PUT", "/api/v1/records/canary/trip", n.adminToken, "{}");
            Thread.sleep(5);
            n.send("DELETE", "/api/v1/records/canary/trip", n.tokenFor(Role.CLERK, "intruder"), null);
            CliTest.Run req = CliTest.kalaja("approval", "request", "safe_mode.exit", "--reason", "canary test", "--url", n.url(),
                    "--token", n.adminToken);
            assertThat(req.exit()).as(req.err()).isZero();
            String id = HttpApi.JSON.readTree(req.out()).path("id").asText();
            CliTest.Run self = CliTest.kalaja("approval", "approve", id, "--url", n.url(), "--token", n.adminToken);
            assertThat(self.exit()).isEqualTo(1);
            assertThat(self.err()).contains("approver_not_independent");
            CliTest.Run ok = CliTest.kalaja("approval", "approve", id, "--url", n.url(), "--token", second);
            assertThat(ok.exit()).as(ok.err()).isZero();
            assertThat(ok.out()).contains("\"executed\"");
            assertThat(CliTest.kalaja("approval", "list", "--url", n.url(), "--token", second).out()).contains(id);
        }
    }
}
