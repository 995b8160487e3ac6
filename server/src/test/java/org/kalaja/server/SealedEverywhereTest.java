package org.kalaja.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Role;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.portal.Portal;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.store.Who;
import org.kalaja.sentinel.export.FileSink;
import org.kalaja.sentinel.state.StateAudit;
import org.kalaja.testkit.ClearText;

/**
 * Issue 6's proof, end to end on one node: personal data written through the API and the portal is
 * nowhere in clear (the SQLite files, every vault object, the audit export; on PostgreSQL, a dump of
 * the database), while data that is not
 * sealed is found by the same search; an erasure approved by a second administrator makes the subject's
 * data unreadable, also in a vault copied before the erasure, while {@code verify} of the store and of the
 * vault still passes; recovery with the keys brings back everyone else in clear.
 */
@Timeout(300)
class SealedEverywhereTest {
    private static final String PASSPHRASE = "sealed-everywhere-passphrase";
    private static final Map<String, String> ENV = Map.of(KmsOptions.PASSPHRASE_ENV, PASSPHRASE);
    /** What {@link #writePersonalData} writes that must never be found in clear. */
    private static final List<String> SECRETS = List.of("Drita Zogaj-Marku", "J90817263K", "Confidential-Diagnosis-4471",
            "Besnik Kept-Alive", "K55501234M", "Mirela Portal-Kastrati", "L10293847N", "mirela.kastrati@example.al");

    @TempDir
    Path data;

    @TempDir
    Path outside;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void personalDataIsCiphertextInTheStoreTheVaultAndTheAuditExportAndAnErasureReachesEveryCopy() throws Exception {
        Path vault = Files.createDirectories(outside.resolve("vault"));
        Path audit = outside.resolve("audit.ndjson");
        Node.Shipping shipping = new Node.Shipping(List.of(DirectoryVault.open(vault)), null, Node.Durability.STORE,
                Duration.ofSeconds(30), VaultShippingTest.FAST);
        NodeSentinel.Options sentinel = new NodeSentinel.Options(List.of(), null, StateAudit.DEFAULT_INTERVAL, List.of(audit.toString()),
                FileSink.Format.OCSF, null, null, null);
        Node node = Node.open(data, StoreLocation.of(data, null), new EngineConfig(1024, 10_000, 4 << 20, Duration.ofMillis(50),
                Clock.systemUTC()), null, shipping, sentinel, KeyOptions.keystore(PASSPHRASE, "citizens=/personal_number"));
        Portal[] portal = {null};
        HttpApi api = HttpApi.start(node, "127.0.0.1", 0, servedAt -> portal[0] =
                NodePortal.open(node, new PortalConfig(data, null, URI.create(servedAt), null, false)));
        String base = "http://127.0.0.1:" + api.port();
        // Two administrators neither of whom minted the other's token: an erasure needs both.
        String first = node.tokens().create(Caller.SYSTEM, Role.ADMIN, "data protection officer").token();
        String second = node.tokens().create(Caller.SYSTEM, Role.ADMIN, "registry director").token();
        Account mirela;
        Path vaultBeforeErasure = outside.resolve("vault-copy");
        try {
            mirela = writePersonalData(base, first, portal[0]);

            awaitVaults(node);
            // The sealed read reaches the export in the sentinel's next ACCESS batch, after the writes.
            awaitExport(audit, "\"sealed\":true");
            String store = ClearText.under(data);
            String vaulted = ClearText.under(vault);
            String exported = Files.readString(audit, UTF_8);
            assertThat(ClearText.contains(store, "Plain-Control-Tirana")).as("control: the store search finds unsealed data").isTrue();
            assertThat(ClearText.contains(vaulted, "Plain-Control-Tirana")).as("control: the vault search finds unsealed data").isTrue();
            assertThat(exported).as("the export has the sealed read").contains("\"sealed\":true");
            for (String secret : SECRETS) {
                assertThat(ClearText.contains(store, secret)).as("\"%s\" in the data directory", secret).isFalse();
                assertThat(ClearText.contains(vaulted, secret)).as("\"%s\" in a vault object", secret).isFalse();
                assertThat(ClearText.contains(exported, secret)).as("\"%s\" in the audit export", secret).isFalse();
            }
            copyTree(vault, vaultBeforeErasure);

            HttpResponse<String> requested = send(base, "POST", "/api/v1/erasures", first,
                    "{\"subject\": \"J90817263K\", \"reason\": \"ER-2026-117\"}");
            assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
            String approval = RemoteNode.parse(requested.body()).path("id").asText();
            assertThat(send(base, "GET", "/api/v1/records/citizens/c1", first, null).statusCode())
                    .as("nothing is destroyed until the second administrator approves").isEqualTo(200);
            HttpResponse<String> approved = send(base, "POST", "/api/v1/approvals/" + approval + "/approve", second, "{}");
            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
            HttpResponse<String> erased = send(base, "GET", "/api/v1/records/citizens/c1", first, null);
            assertThat(erased.statusCode()).isEqualTo(410);
            assertThat(RemoteNode.parse(erased.body()).path("error").asText()).isEqualTo("erased");
            assertThat(send(base, "GET", "/api/v1/records/citizens/c2", first, null).body()).contains("Besnik Kept-Alive");
            awaitVaults(node);
        } finally {
            api.close();
            node.close();
        }

        assertThat(ServeProcess.run(outside.resolve("verify.out"), "verify", "--data", data.toString()).getKey())
                .as("the log verifies after the erasure").isZero();
        assertThat(ServeProcess.run(outside.resolve("verify-vault.out"), "verify", "--vault", "dir:" + vault).getKey())
                .as("the vault verifies after the erasure").isZero();

        Path recovered = outside.resolve("recovered");
        Map.Entry<Integer, String> recover = ServeProcess.run(outside.resolve("recover.out"), ENV, "recover", "--from", "dir:" + vault,
                "--into", recovered.toString(), "--key", data.resolve(Node.KEY_FILE).toString(),
                "--keystore", data.resolve("keys").resolve("kalaja.p12").toString());
        assertThat(recover.getKey()).as(recover.getValue()).isZero();
        assertThat(recover.getValue()).contains("live data keys of sealed data open");
        try (Node again = Node.open(recovered, StoreLocation.of(recovered, null), EngineConfig.defaults(), null, Node.Shipping.none(),
                NodeSentinel.Options.defaults(), KeyOptions.keystore(PASSPHRASE))) {
            assertThat(new String(again.engine().get("citizens", "c2").orElseThrow().json(), UTF_8)).contains("Besnik Kept-Alive");
            assertThat(new String(again.engine().get("portal.accounts", mirela.id()).orElseThrow().json(), UTF_8))
                    .contains("Mirela Portal-Kastrati");
            assertThat(erasedRead(again)).as("the erased citizen after recovery").contains("erased");
        }

        // A vault copied before the erasure holds the subject's key wrapped under a KEK that no longer exists.
        Path fromOldCopy = outside.resolve("from-old-copy");
        Map.Entry<Integer, String> old = ServeProcess.run(outside.resolve("recover-old.out"), ENV, "recover", "--from",
                "dir:" + vaultBeforeErasure, "--into", fromOldCopy.toString(), "--key", data.resolve(Node.KEY_FILE).toString(),
                "--keystore", data.resolve("keys").resolve("kalaja.p12").toString());
        assertThat(old.getKey()).as(old.getValue()).isEqualTo(3);
        assertThat(old.getValue()).contains("MISSING KEY").contains("kek-1");
    }

    @Test
    void onPostgresqlADumpOfTheDatabaseHoldsNoneOfIt() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on").start()) {
            try (java.sql.Connection c = postgres.getPostgresDatabase().getConnection(); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE sealed ENCODING 'UTF8'");
            }
            String url = "postgresql://localhost:" + postgres.getPort() + "/sealed?user=postgres&password=x";
            Node node = Node.open(data, StoreLocation.of(data, url), EngineConfig.defaults().withCheckpointInterval(Duration.ofMillis(50)),
                    null, Node.Shipping.none(), NodeSentinel.Options.defaults(), KeyOptions.keystore(PASSPHRASE, "citizens=/personal_number"));
            Portal[] portal = {null};
            HttpApi api = HttpApi.start(node, "127.0.0.1", 0, servedAt -> portal[0] =
                    NodePortal.open(node, new PortalConfig(data, null, URI.create(servedAt), null, false)));
            try {
                writePersonalData("http://127.0.0.1:" + api.port(), node.tokens().create(Caller.SYSTEM, Role.ADMIN, "dpo").token(), portal[0]);
            } finally {
                api.close();
                node.close();
            }
            String dumped = ClearText.pgDump(postgres.getPort(), "postgres", "sealed");
            assertThat(ClearText.contains(dumped, "Plain-Control-Tirana")).as("control: the dump search finds unsealed data").isTrue();
            for (String secret : SECRETS) assertThat(ClearText.contains(dumped, secret)).as("\"%s\" in the PostgreSQL dump", secret).isFalse();
        }
    }

    /** Personal data through the API (a sealed collection, read back once) and the portal (a citizen's account); an unsealed control. */
    private Account writePersonalData(String base, String token, Portal portal) throws Exception {
        assertThat(send(base, "PUT", "/api/v1/records/citizens/c1", token,
                "{\"personal_number\": \"J90817263K\", \"name\": \"Drita Zogaj-Marku\", \"note\": \"Confidential-Diagnosis-4471\"}")
                .statusCode()).isEqualTo(201);
        assertThat(send(base, "PUT", "/api/v1/records/citizens/c2", token,
                "{\"personal_number\": \"K55501234M\", \"name\": \"Besnik Kept-Alive\"}").statusCode()).isEqualTo(201);
        assertThat(send(base, "PUT", "/api/v1/records/towns/tirana", token, "{\"name\": \"Plain-Control-Tirana\"}").statusCode())
                .isEqualTo(201);
        assertThat(send(base, "GET", "/api/v1/records/citizens/c1", token, null).body()).contains("Drita Zogaj-Marku");
        return portal.identity().accounts().registerCitizen(new Who("anonymous", "", "", "127.0.0.1", "test"),
                "Mirela Portal-Kastrati", "L10293847N", "mirela.kastrati@example.al", "a-long-password-for-2026");
    }

    private static String erasedRead(Node node) {
        try {
            node.engine().get("citizens", "c1");
            return "readable";
        } catch (org.kalaja.engine.EngineException e) {
            return e.problem() == org.kalaja.engine.EngineException.Problem.ERASED ? "erased: " + e.getMessage() : e.toString();
        }
    }

    private HttpResponse<String> send(String base, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitVaults(Node node) throws Exception {
        node.shipper().orElseThrow().published(node.engine().size() - 1).get(60, TimeUnit.SECONDS);
    }

    private static void awaitExport(Path audit, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(audit) && Files.readString(audit, UTF_8).contains(expected)) return;
            Thread.sleep(100);
        }
        throw new AssertionError("the audit export never named " + expected);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
