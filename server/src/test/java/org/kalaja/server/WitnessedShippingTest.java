package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.LogIdentity;
import org.kalaja.engine.Role;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.witness.Witness;
import org.kalaja.engine.witness.WitnessClient;
import org.kalaja.engine.witness.WitnessResult;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.testkit.PeerVerifier;
import org.kalaja.testkit.RequiresPeerVerifier;
import picocli.CommandLine;

/** A node shipping through a real `kalaja witness` over HTTP, set up with serve's own flags. */
class WitnessedShippingTest {
    @TempDir
    Path tmp;
    LogIdentity identity;
    Witness witness;
    WitnessRoutes routes;
    Path vaultDir;

    @BeforeEach
    void startWitness() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("node"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        identity = LogIdentity.loadOrCreate(data.resolve(Node.KEY_FILE), "");
        witness = Witness.open(tmp.resolve("witness"), "witness.example/w1", List.of(identity.verifierKey()));
        routes = WitnessRoutes.start(witness, "127.0.0.1", 0);
        vaultDir = Files.createDirectory(tmp.resolve("vault"));
    }

    @AfterEach
    void stopWitness() throws Exception {
        routes.close();
        witness.close();
    }

    RunningNode startNode(String durability) {
        ShippingOptions o = new ShippingOptions();
        o.vaults.add("dir:" + vaultDir);
        o.witnesses.add("http://127.0.0.1:" + routes.port() + "/"); // no key: fetched from /vkey and pinned
        o.durability = durability;
        o.timeoutMs = 1_500;
        ShippingOptions.Resolved r = o.resolve(new CommandLine(new ServeCommand()), tmp.resolve("node"));
        RunningNode n = RunningNode.start(tmp.resolve("node"), r.shipping());
        r.pins().save();
        return n;
    }

    @Test
    @RequiresPeerVerifier
    void theVaultHoldsCheckpointsTheWitnessCosignedAndGoVerifiesThem(PeerVerifier go) throws Exception {
        try (RunningNode n = startNode("vault")) {
            String clerk = n.tokenFor(Role.CLERK);
            for (int i = 0; i < 3; i++) {
                assertThat(n.send("PUT", "/api/v1/records/deeds/d" + i, clerk, "{}", Map.of()).statusCode()).isEqualTo(201);
            }
            Note published;
            try (Vault v = DirectoryVault.open(vaultDir)) {
                published = Note.parse(v.checkpoint().orElseThrow());
            }
            assertThat(published.verify(List.of(identity.verifierKey(), witness.verifierKey()))).hasSize(2);
            assertThat(Files.readString(tmp.resolve("node").resolve(WitnessPins.FILE))).contains(witness.verifierKey().format());
            JsonNode w = RemoteNode.parse(n.get("/api/v1/status", null).body()).path("witnesses").get(0);
            assertThat(w.path("last_result").asText()).isEqualTo("cosigned");

            go.verify(vaultDir.toString(), identity.vkey(), List.of(witness.verifierKey().format()), null).requireOk();
        }
    }

    @Test
    void aWitnessThatCosignedAnotherHistoryRaisesAnAlarmAndNothingIsPublished() throws Exception {
        // Someone holding the log's key showed the witness a larger tree of another history.
        Note forged = new Checkpoint(identity.origin(), 1_000, Hash.sha256(new byte[] {1})).sign(identity.key());
        try (WitnessClient c = new WitnessClient(java.net.URI.create("http://127.0.0.1:" + routes.port() + "/"),
                witness.verifierKey(), Duration.ofSeconds(5))) {
            assertThat(c.submit(forged, (a, b) -> List.of())).isInstanceOf(WitnessResult.Cosigned.class);
        }
        try (RunningNode n = startNode("vault")) {
            String clerk = n.tokenFor(Role.CLERK);
            var answer = n.send("PUT", "/api/v1/records/deeds/d1", clerk, "{}", Map.of("Idempotency-Key", "d1"));

            assertThat(answer.statusCode()).isEqualTo(503);
            JsonNode status = RemoteNode.parse(n.get("/api/v1/status", null).body());
            assertThat(status.path("witness_alarms_total").asLong()).isPositive();
            assertThat(status.path("alarms").get(0).path("message").asText()).startsWith("ROLLBACK");
            assertThat(status.path("witnesses").get(0).path("last_result").asText()).isEqualTo("alarm");
            assertThat(n.get("/metrics", null).body()).containsPattern("(?m)^kalaja_witness_alarms_total [1-9]");
            try (Vault v = DirectoryVault.open(vaultDir)) {
                assertThat(v.checkpoint()).isEmpty();
                assertThat(v.list("checkpoints/")).isEmpty();
            }
        }
    }
}
