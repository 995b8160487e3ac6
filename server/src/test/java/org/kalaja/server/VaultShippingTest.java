package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Role;
import org.kalaja.engine.shipping.ShipperConfig;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryBundle;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.Note;
import org.kalaja.testkit.PeerVerifier;

/** Shipping as a client and an operator see it: over HTTP, with real directory vaults. */
class VaultShippingTest {
    static final ShipperConfig FAST = new ShipperConfig(Duration.ofMillis(20), Duration.ofMillis(20), Duration.ofMillis(200), 4);

    @TempDir
    Path tmp;

    Vault vault(String name) throws Exception {
        return DirectoryVault.open(Files.createDirectories(tmp.resolve(name)));
    }

    static Node.Shipping shipping(Node.Durability mode, Duration timeout, Vault... vaults) {
        return new Node.Shipping(List.of(vaults), null, mode, timeout, FAST);
    }

    static long publishedSize(Vault v) {
        return v.checkpoint().map(b -> Checkpoint.of(Note.parse(b)).size()).orElse(0L);
    }

    static JsonNode json(HttpResponse<String> r) {
        return RemoteNode.parse(r.body());
    }

    /** The entry at {@code index} as the vault holds it, read back from its published tree. */
    static Entry entryInVault(Vault v, long index) {
        BundleId b = BundleId.ofEntry(index, publishedSize(v));
        byte[] bundle = v.get(b.path()).orElseThrow();
        return EntryCodec.decode(EntryBundle.decode(bundle).get((int) (index - b.firstEntry())));
    }

    @Test
    void vaultDurabilityAnswersAWriteOnlyOnceEveryVaultHoldsIt() throws Exception {
        Vault a = vault("a");
        Vault b = vault("b");
        try (RunningNode n = RunningNode.start(tmp.resolve("node"), shipping(Node.Durability.VAULT, Duration.ofSeconds(20), a, b))) {
            String clerk = n.tokenFor(Role.CLERK);
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = n.send("PUT", "/api/v1/records/deeds/d" + i, clerk, "{\"parcel\":" + i + "}",
                        Map.of("Idempotency-Key", "deed-" + i));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                long index = json(r).path("index").asLong();

                // Checked as soon as the answer arrives: no waiting here.
                for (Vault v : List.of(a, b)) {
                    assertThat(publishedSize(v)).isGreaterThan(index);
                    Entry e = entryInVault(v, index);
                    assertThat(e.key()).isEqualTo("d" + i);
                    assertThat(e.idempotencyKey()).isEqualTo("deed-" + i);
                }
            }
        }
    }

    @Test
    void vaultDurabilityAnswers503WhenTheVaultLagsAndARetryWithTheSameKeyWaitsAgain() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("v"));
        Vault v = DirectoryVault.open(dir);
        Path away = tmp.resolve("v-unmounted");
        try (RunningNode n = RunningNode.start(tmp.resolve("node"), shipping(Node.Durability.VAULT, Duration.ofMillis(700), v))) {
            String clerk = n.tokenFor(Role.CLERK);
            Files.move(dir, away); // the vault's disk is unmounted
            Map<String, String> key = Map.of("Idempotency-Key", "birth-42");

            HttpResponse<String> late = n.send("PUT", "/api/v1/records/births/b42", clerk, "{\"name\":\"Ana\"}", key);

            assertThat(late.statusCode()).isEqualTo(503);
            assertThat(late.headers().firstValue("Retry-After")).hasValue("5");
            assertThat(json(late).path("error").asText()).isEqualTo("not_in_vaults");
            assertThat(json(late).path("detail").asText()).contains("durable in the store", "same Idempotency-Key");
            assertThat(n.node.engine().get("births", "b42")).isPresent();
            JsonNode status = json(n.get("/api/v1/status", null));
            assertThat(status.path("vaults").get(0).path("state").asText()).isEqualTo("retrying");
            assertThat(status.path("vaults").get(0).path("last_error").asText()).contains(dir.toString());

            Files.move(away, dir); // back
            HttpResponse<String> retried = n.send("PUT", "/api/v1/records/births/b42", clerk, "{\"name\":\"Ana\"}", key);

            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(201);
            assertThat(json(retried).path("replayed").asBoolean()).isTrue();
            long index = json(retried).path("index").asLong();
            assertThat(publishedSize(v)).isGreaterThan(index);
            assertThat(entryInVault(v, index).key()).isEqualTo("b42");
        }
    }

    @Test
    void statusAndMetricsShowEachVaultsLagAndTheShippedSize() throws Exception {
        Path downDir = Files.createDirectories(tmp.resolve("down"));
        Vault up = vault("up");
        Vault down = DirectoryVault.open(downDir);
        Files.move(downDir, tmp.resolve("down-unmounted"));
        try (RunningNode n = RunningNode.start(tmp.resolve("node"), shipping(Node.Durability.STORE, Duration.ofSeconds(1), up, down))) {
            String clerk = n.tokenFor(Role.CLERK);
            for (int i = 0; i < 3; i++) {
                assertThat(n.put("/api/v1/records/towns/t" + i, clerk, "{}").statusCode()).isEqualTo(201);
            }
            long size = n.settledLogSize();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (publishedSize(up) < size && System.nanoTime() < deadline) Thread.sleep(20);

            JsonNode status = json(n.get("/api/v1/status", null));
            assertThat(status.path("durability").asText()).isEqualTo("store");
            JsonNode upStatus = status.path("vaults").get(0);
            JsonNode downStatus = status.path("vaults").get(1);
            assertThat(upStatus.path("vault").asText()).isEqualTo(up.describe());
            assertThat(upStatus.path("shipped_size").asLong()).isEqualTo(size);
            assertThat(upStatus.path("lag_entries").asLong()).isZero();
            assertThat(downStatus.path("lag_entries").asLong()).isEqualTo(size);
            assertThat(downStatus.path("lag_seconds").asDouble()).isPositive();
            assertThat(downStatus.path("last_error").asText()).contains("could not");
            assertThat(status.path("alarms").size()).isZero();

            HttpResponse<String> metrics = n.get("/metrics", null);
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body().lines()).contains(
                    "kalaja_log_size " + size,
                    "kalaja_vault_lag_entries{vault=\"" + up.describe() + "\"} 0",
                    "kalaja_vault_lag_entries{vault=\"" + down.describe() + "\"} " + size,
                    "kalaja_vault_shipped_size{vault=\"" + up.describe() + "\"} " + size,
                    "kalaja_vault_up{vault=\"" + down.describe() + "\"} 0",
                    "kalaja_witness_alarms_total 0",
                    "# TYPE kalaja_vault_lag_seconds gauge");
        }
    }

    @Test
    @org.kalaja.testkit.RequiresPeerVerifier
    void goReadsTheVaultDirectoryAsATlogTilesLogAndAgreesWithIt(PeerVerifier go) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("v"));
        Vault v = DirectoryVault.open(dir);
        try (RunningNode n = RunningNode.start(tmp.resolve("node"), shipping(Node.Durability.STORE, Duration.ofSeconds(1), v))) {
            org.kalaja.engine.Caller clerk = org.kalaja.engine.Caller.of("token:test", "127.0.0.1", "vault-check");
            List<java.util.concurrent.CompletableFuture<org.kalaja.engine.WriteResult>> pending = new java.util.ArrayList<>();
            for (int i = 0; i < 70_000; i++) {
                pending.add(n.node.engine().put(clerk, "registry", "r-" + i, ("{\"i\":" + i + "}").getBytes(), -1, ""));
                if (pending.size() == 5_000) {
                    for (var f : pending) f.get();
                    pending.clear();
                }
            }
            for (var f : pending) f.get();
            long size = n.node.log().integrate();
            n.node.shipper().orElseThrow().published(size - 1).get(60, java.util.concurrent.TimeUnit.SECONDS);

            PeerVerifier.Result r = go.verify(dir.toString(), n.node.log().vkey(), 0, 65_535, 65_536, size - 1).requireOk();

            assertThat(r.size()).isEqualTo(size);
            assertThat(r.entriesChecked()).isEqualTo(size);
        }
    }
}
