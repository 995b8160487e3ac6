package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.KeyRecords;
import org.kalaja.engine.seal.KeyCensus;
import org.kalaja.engine.seal.PassphraseKms;
import org.kalaja.engine.vault.DirectoryVault;

/**
 * Recovery needs the keys: a node with a sealed collection ships to a directory vault and is lost;
 * {@code kalaja recover} rebuilds it and says, before or right after the log, whether the keys it was
 * given open every live data key, naming each KEK that is missing or wrong.
 */
@Timeout(300)
class RecoverSealedTest {
    static final String PASSPHRASE = "the-lost-nodes-passphrase";

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static Path vault;
    static Path keyFile;
    static Path keystore;
    static long entries;
    static int liveKeys;
    static final Map<String, String> CITIZENS = new LinkedHashMap<>();

    @BeforeAll
    static void shipASealedLogToAVault() throws Exception {
        Path original = shared.resolve("original");
        vault = Files.createDirectories(shared.resolve("vault"));
        try (Node node = Node.open(original, StoreLocation.of(original, null), EngineConfig.defaults().withCheckpointInterval(Duration.ofMillis(50)),
                null, shipping(), NodeSentinel.Options.defaults(), KeyOptions.keystore(PASSPHRASE, "citizens=/personal_number"))) {
            for (int i = 0; i < 8; i++) {
                String body = "{\"personal_number\": \"P-" + (i % 3) + "\", \"name\": \"Citizen number " + i + "\"}";
                node.engine().put(ShippedLog.CLERK, "citizens", "c" + i, body.getBytes(StandardCharsets.UTF_8), -1, "").join();
                CITIZENS.put("c" + i, body);
            }
            node.engine().put(ShippedLog.CLERK, "towns", "tirana", "{\"pop\": 1}".getBytes(StandardCharsets.UTF_8), -1, "").join();
            entries = node.engine().size();
            node.shipper().orElseThrow().published(entries - 1).get(60, TimeUnit.SECONDS);
            liveKeys = KeyCensus.check(null, KeyRecords.readOnly(node.store())).live();
        }
        keyFile = original.resolve(Node.KEY_FILE);
        keystore = original.resolve("keys").resolve("kalaja.p12");
        assertThat(original.resolve("keys").resolve("passphrase")).as("the passphrase came from the environment").doesNotExist();
        // Three citizens' keys and the key of their pseudonyms.
        assertThat(liveKeys).isEqualTo(4);
    }

    private static Node.Shipping shipping() {
        return new Node.Shipping(List.of(DirectoryVault.open(vault)), null, Node.Durability.STORE, Duration.ofSeconds(30), VaultShippingTest.FAST);
    }

    private Map.Entry<Integer, String> recover(Path into, Map<String, String> env, String... more) throws Exception {
        String[] args = new String[more.length + 7];
        System.arraycopy(new String[] {"recover", "--from", "dir:" + vault, "--into", into.toString(), "--key", keyFile.toString()}, 0, args, 0, 7);
        System.arraycopy(more, 0, args, 7, more.length);
        return ServeProcess.run(dir.resolve("recover-" + System.nanoTime() + ".out"), env, args);
    }

    private static long storeSize(Path data) {
        try (var store = StoreLocation.of(data, null).openForReading()) {
            return store.size();
        }
    }

    @Test
    void withTheLostNodesKeystoreEveryKeyOpensAndTheRecoveredNodeReadsSealedRecordsInClear() throws Exception {
        Path into = dir.resolve("restored");

        Map.Entry<Integer, String> r = recover(into, Map.of(KmsOptions.PASSPHRASE_ENV, PASSPHRASE), "--keystore", keystore.toString());

        assertThat(r.getKey()).as(r.getValue()).isZero();
        assertThat(r.getValue()).contains("keys: all " + liveKeys + " live data keys of sealed data open under passphrase keystore")
                .contains("keystore installed at " + into.resolve("keys").resolve("kalaja.p12"));
        assertThat(Files.mismatch(into.resolve("keys").resolve("kalaja.p12"), keystore)).isEqualTo(-1L);
        // Shipping to its vault as before: a node back with fewer defences than it had would be in safe mode.
        try (RunningNode n = RunningNode.start(into, shipping(), NodeSentinel.Options.defaults(), KeyOptions.keystore(PASSPHRASE))) {
            for (Map.Entry<String, String> c : CITIZENS.entrySet()) {
                var got = n.get("/api/v1/records/citizens/" + c.getKey(), n.adminToken);
                assertThat(got.statusCode()).as(got.body()).isEqualTo(200);
                assertThat(RemoteNode.parse(got.body())).isEqualTo(RemoteNode.parse(c.getValue()));
            }
        }
    }

    @Test
    void withoutAnyKeystoreTheLogIsRecoveredAndEveryMissingKekIsNamed() {
        Path into = dir.resolve("keyless");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + vault, "--into", into.toString(), "--key", keyFile.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.err()).contains("no keystore given");
        assertThat(r.out()).contains("OK: recovered")
                .contains("MISSING KEY: " + liveKeys + " data keys are wrapped under kek-1, and no KMS was given (give --keystore FILE");
        assertThat(storeSize(into)).isEqualTo(entries);
        assertThat(CliTest.kalaja("verify", "--data", into.toString()).exit()).as("the log verifies without any key").isZero();

        // Serving it now would create a new keystore whose kek-1 opens none of the keys: refused, and nothing left behind.
        CliTest.Run serve = CliTest.kalaja("serve", "--data", into.toString(), "--port", "0");

        assertThat(serve.exit()).as(serve.out() + serve.err()).isEqualTo(2);
        assertThat(serve.err()).contains("the log holds " + liveKeys + " live data keys of sealed data, wrapped under kek-1")
                .contains("Put the node's keystore at " + into.resolve("keys").resolve("kalaja.p12"));
        assertThat(into.resolve("keys").resolve("kalaja.p12")).doesNotExist();
        assertThat(into.resolve("keys").resolve("passphrase")).doesNotExist();
    }

    @Test
    void aWrongPassphraseStopsRecoveryBeforeAnythingIsWritten() throws Exception {
        Path into = dir.resolve("never");

        Map.Entry<Integer, String> r = recover(into, Map.of(KmsOptions.PASSPHRASE_ENV, "not-" + PASSPHRASE), "--keystore", keystore.toString());

        assertThat(r.getKey()).as(r.getValue()).isEqualTo(2);
        assertThat(r.getValue()).contains("the keys of sealed data cannot be opened, so nothing was recovered")
                .contains("does not open the keystore " + keystore.toAbsolutePath()).doesNotContain("OK: recovered");
        assertThat(into).doesNotExist();
    }

    @Test
    void anotherKeystoreWithAKek1OfItsOwnIsAWrongKeyAndIsNotInstalled() throws Exception {
        Path other = dir.resolve("other.p12");
        PassphraseKms.open(other, "another-passphrase".toCharArray()).close();
        Path into = dir.resolve("wrong");

        Map.Entry<Integer, String> r = recover(into, Map.of(KmsOptions.PASSPHRASE_ENV, "another-passphrase"), "--keystore", other.toString());

        assertThat(r.getKey()).as(r.getValue()).isEqualTo(3);
        assertThat(r.getValue()).contains("OK: recovered").contains("WRONG KEY: " + liveKeys + " data keys do not open under the kek-1 that "
                + "passphrase keystore " + other.toAbsolutePath() + " holds").contains("was not copied");
        assertThat(into.resolve("keys").resolve("kalaja.p12")).doesNotExist();
        assertThat(r.getValue()).contains("put the keystore that holds them at " + into.resolve("keys").resolve("kalaja.p12"));

        // As it says: the right keystore put there, and the node reads in clear.
        Files.createDirectories(into.resolve("keys"));
        Files.copy(keystore, into.resolve("keys").resolve("kalaja.p12"));
        try (RunningNode n = RunningNode.start(into, shipping(), NodeSentinel.Options.defaults(), KeyOptions.keystore(PASSPHRASE))) {
            assertThat(RemoteNode.parse(n.get("/api/v1/records/citizens/c0", n.adminToken).body())).isEqualTo(RemoteNode.parse(CITIZENS.get("c0")));
        }
    }

    @Test
    void aKeystoreNamedByKmsThatDoesNotExistIsRefusedAndNeverCreated() {
        Path missing = dir.resolve("no-such.p12");
        Path into = dir.resolve("never");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + vault, "--into", into.toString(), "--kms", "keystore:" + missing);

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("there is no keystore at " + missing).contains("recover never creates one");
        assertThat(missing).doesNotExist();
        assertThat(into).doesNotExist();
    }
}
