package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineConfig;
import org.kalaja.ledger.EntryCodec;

/**
 * How a node finds its keys when it starts ({@code --kms}, {@code --sealed}): the passphrase written on a
 * first start and reused after, the variable preferred, and every way the keystore can fail to open
 * refused with a message that says what to do, before anything is served.
 */
@Timeout(180)
class SealingStartTest {
    static final String CITIZEN = "{\"personal_number\": \"P-100\", \"name\": \"Arta Krasniqi\"}";

    @TempDir
    Path dir;

    /** What child processes print, beside the data directory. */
    @TempDir
    Path outputs;

    private Path keystore() {
        return dir.resolve("keys").resolve("kalaja.p12");
    }

    private Path passphraseFile() {
        return dir.resolve("keys").resolve("passphrase");
    }

    private Node open(KmsOptions keys) {
        return Node.open(dir, StoreLocation.of(dir, null), EngineConfig.defaults(), null, Node.Shipping.none(), NodeSentinel.Options.defaults(),
                keys);
    }

    /** Starts a node with {@code keys}, writes a sealed citizen and stops; returns what it printed on stderr. */
    private String startAndWrite(KmsOptions keys) {
        return CliTest.capturingStderr(() -> {
            try (Node node = open(keys)) {
                node.engine().put(ShippedLog.CLERK, "citizens", "c1", CITIZEN.getBytes(StandardCharsets.UTF_8), -1, "").join();
            }
        });
    }

    private String readBack(KmsOptions keys) {
        try (Node node = open(keys)) {
            return new String(node.engine().get("citizens", "c1").orElseThrow().json(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFirstStartWithoutThePassphraseWritesAPrivateOneAndWarnsAndTheNextStartReusesIt() throws Exception {
        KmsOptions noVariable = KeyOptions.of("keystore", Map.of(), "citizens=/personal_number");

        String first = startAndWrite(noVariable);

        assertThat(passphraseFile()).isRegularFile();
        String passphrase = Files.readString(passphraseFile()).strip();
        assertThat(passphrase).hasSizeGreaterThanOrEqualTo(32);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passphraseFile()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("keys")))).isEqualTo("rwx------");
        assertThat(first).contains("warning").contains(passphraseFile().toString()).contains(KmsOptions.PASSPHRASE_ENV)
                .doesNotContain(passphrase);

        String second = CliTest.capturingStderr(() -> assertThat(readBack(noVariable)).contains("Arta Krasniqi"));

        assertThat(second).doesNotContain("warning");
        assertThat(Files.readString(passphraseFile()).strip()).isEqualTo(passphrase);
        // What the warning tells the operator to do: move the passphrase to the variable; the node then opens as before.
        Files.delete(passphraseFile());
        assertThat(readBack(KeyOptions.keystore(passphrase, "citizens=/personal_number"))).contains("Arta Krasniqi");
        assertThat(passphraseFile()).doesNotExist();
    }

    @Test
    void withThePassphraseInTheVariableNoPassphraseFileIsWritten() {
        String err = startAndWrite(KeyOptions.keystore("from-the-environment", "citizens=/personal_number"));

        assertThat(keystore()).isRegularFile();
        assertThat(passphraseFile()).doesNotExist();
        assertThat(err).doesNotContain("warning");
        assertThat(readBack(KeyOptions.keystore("from-the-environment"))).contains("Arta Krasniqi");
    }

    @Test
    void aKeystoreWithoutItsPassphraseIsRefusedNamingTheVariableAndNothingIsGenerated() throws Exception {
        startAndWrite(KeyOptions.keystore("from-the-environment", "citizens=/personal_number"));
        byte[] before = Files.readAllBytes(keystore());

        assertThatThrownBy(() -> open(KeyOptions.of("keystore", Map.of())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(keystore().toString()).hasMessageContaining(KmsOptions.PASSPHRASE_ENV);

        assertThat(passphraseFile()).as("no new passphrase for an existing keystore").doesNotExist();
        assertThat(Files.readAllBytes(keystore())).isEqualTo(before);
    }

    @Test
    void aWrongPassphraseIsRefusedNamingTheKeystoreAndTheVariable() throws Exception {
        startAndWrite(KeyOptions.keystore("the-right-one", "citizens=/personal_number"));
        byte[] before = Files.readAllBytes(keystore());

        assertThatThrownBy(() -> open(KeyOptions.keystore("a-wrong-one")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--kms keystore").hasMessageContaining("does not open the keystore " + keystore())
                .hasMessageContaining(KmsOptions.PASSPHRASE_ENV);

        assertThat(Files.readAllBytes(keystore())).isEqualTo(before);
    }

    @Test
    void serveWithAWrongPassphraseExitsTwoWithTheReasonAndNoStackTrace() throws Exception {
        startAndWrite(KeyOptions.keystore("the-right-one", "citizens=/personal_number"));

        Map.Entry<Integer, String> serve = ServeProcess.run(outputs.resolve("serve.out"), Map.of(KmsOptions.PASSPHRASE_ENV, "a-wrong-one"),
                "serve", "--data", dir.toString(), "--port", "0");

        assertThat(serve.getKey()).as(serve.getValue()).isEqualTo(2);
        assertThat(serve.getValue()).contains("the passphrase does not open the keystore " + keystore())
                .doesNotContain("Exception").doesNotContain("\tat org.kalaja");
    }

    @Test
    void badKeyFlagsAreRefusedBeforeAnythingIsCreated() {
        for (String[] flags : new String[][] {{"--kms", "vault"}, {"--kms", "pkcs11:/usr/lib/softhsm/libsofthsm2.so"},
                {"--sealed", "citizens=personal_number"}, {"--sealed", "Citizens"}, {"--kms", "none", "--sealed", "citizens"}}) {
            String[] args = new String[flags.length + 5];
            System.arraycopy(new String[] {"serve", "--data", dir.resolve("data").toString(), "--port", "0"}, 0, args, 0, 5);
            System.arraycopy(flags, 0, args, 5, flags.length);

            CliTest.Run run = CliTest.kalaja(args);

            assertThat(run.exit()).as(String.join(" ", flags) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err()).as(String.join(" ", flags)).contains(flags[flags.length - 2]);
            assertThat(dir.resolve("data")).as(String.join(" ", flags)).doesNotExist();
        }
    }

    @Test
    void sealedFlagsDeclareEachCollectionOnceAcrossRestarts() {
        KmsOptions flags = KeyOptions.keystore("restart-test", "citizens=/personal_number", "letters");
        long size;
        try (Node node = open(flags)) {
            assertThat(node.engine().policy("citizens")).isEqualTo(new CollectionPolicy(true, "/personal_number"));
            assertThat(node.engine().policy("letters")).isEqualTo(new CollectionPolicy(true, null));
            assertThat(node.engine().sealedCollections()).containsExactly("citizens", "letters");
            size = node.engine().size();
        }
        assertThat(declarations()).isEqualTo(2);

        try (Node node = open(flags)) {
            assertThat(node.engine().sealedCollections()).containsExactly("citizens", "letters");
            assertThat(node.engine().size()).as("log size after a restart with the same flags").isEqualTo(size);
        }
        assertThat(declarations()).isEqualTo(2);
    }

    @Test
    void theSealedFlagSplitsOnCommasAndTakesAnOptionalSubject() {
        ServeCommand serve = new ServeCommand();
        new picocli.CommandLine(serve).parseArgs("--sealed", "a,b=/x", "--sealed", "c");

        assertThat(serve.kmsOptions.declarations()).containsExactly(Map.entry("a", new CollectionPolicy(true, null)),
                Map.entry("b", new CollectionPolicy(true, "/x")), Map.entry("c", new CollectionPolicy(true, null)));
        assertThat(serve.kmsOptions.kms).isEqualTo("keystore");
    }

    /** Entries in the log declaring a collection's policy. */
    private long declarations() {
        long[] count = {0};
        try (var store = StoreLocation.of(dir, null).openForReading()) {
            store.entries(0, store.size(), e -> {
                if (EntryCodec.decode(e.data()).collection().equals("kalaja.collections")) count[0]++;
            });
        }
        return count[0];
    }
}
