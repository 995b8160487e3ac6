package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.recovery.Recovery;
import org.kalaja.engine.recovery.TrustedKeys;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Note;

/** Issue 3, item 4: {@code kalaja recover} rebuilds a node that verifies, reads the same and continues the same log. */
class RecoverTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static ShippedLog log;
    static Path second;
    static Path keyFile;
    static EmbeddedPostgres postgres;

    @BeforeAll
    static void shipALogToTwoVaults() throws Exception {
        second = shared.resolve("vault-b");
        log = ShippedLog.build(shared, 3, 300, 1, shared.resolve("vault-a"), second);
        keyFile = shared.resolve("original").resolve(Node.KEY_FILE);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) postgres.close();
    }

    private static Node open(Path data, StoreLocation where) {
        return Node.open(data, where, EngineConfig.defaults().withCheckpointInterval(Duration.ofHours(1)), null);
    }

    private static Map<String, String> read(Node node) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : log.records.keySet()) {
            RecordVersion v = node.engine().get("births", key).orElse(null);
            out.put(key, v == null || v.deleted() ? null : new String(v.json(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The recovered node reads what the original read, and its next checkpoint extends the vault's tree. */
    private static void assertContinuesTheLog(Path data, StoreLocation where) throws Exception {
        try (Node node = open(data, where)) {
            assertThat(read(node)).isEqualTo(log.records);
            assertThat(new String(node.engine().get("scans", "s1").orElseThrow().json(), StandardCharsets.UTF_8)).contains("bbbb");
            node.engine().put(ShippedLog.CLERK, "births", "after-recovery", "{\"ok\":true}".getBytes(StandardCharsets.UTF_8), -1, "").get();
            node.log().integrate();
            assertThat(node.log().checkpointSize()).isEqualTo(log.size + 1);
            Checkpoint vaultTree = Checkpoint.of(Note.parse(Files.readAllBytes(log.vault.resolve("checkpoint"))));
            assertThat(node.log().root(log.size)).isEqualTo(vaultTree.rootHash());
        }
    }

    @Test
    void recoveryIntoSqliteVerifiesReadsTheSameAndContinuesTheLog() throws Exception {
        Path into = dir.resolve("restored");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", into.toString(), "--key", keyFile.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("OK: recovered " + String.format("%,d", log.size) + " entries").contains("cosigned by witness.test/w0")
                .contains("log key installed");
        CliTest.Run verified = CliTest.kalaja("verify", "--data", into.toString());
        assertThat(verified.exit()).as(verified.out()).isZero();
        assertContinuesTheLog(into, StoreLocation.of(into, null));
    }

    @Test
    void recoveryIntoPostgresqlVerifiesAndReadsTheSame() throws Exception {
        synchronized (RecoverTest.class) {
            if (postgres == null) {
                postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on").start();
            }
        }
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE recovered ENCODING 'UTF8'");
        }
        String url = "postgresql://localhost:" + postgres.getPort() + "/recovered?user=postgres&password=x";
        Path data = dir.resolve("pg-node");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", url, "--data", data.toString(),
                "--key", keyFile.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        CliTest.Run verified = CliTest.kalaja("verify", "--data", data.toString(), "--store", url);
        assertThat(verified.exit()).as(verified.out()).isZero();
        assertContinuesTheLog(data, StoreLocation.of(data, url));
    }

    @Test
    void aDamagedVaultFallsBackToTheNextAndAnInterruptedRecoveryContinues() throws Exception {
        Path damaged = dir.resolve("damaged");
        copy(log.vault, damaged);
        Files.delete(damaged.resolve(new BundleId(2, 256).path()));
        Path into = dir.resolve("restored");
        Files.createDirectories(into);
        try (Store store = StoreLocation.of(into, null).open(); Vault v = DirectoryVault.open(damaged)) {
            assertThatThrownBy(() -> Recovery.recover(List.of(v), TrustedKeysOf::vault, store, Recovery.Options.EVERYTHING, m -> { }))
                    .hasMessageContaining("vault bundle tile/entries/002 (entries 512..767) is missing");
            assertThat(store.size()).as("the authenticated prefix was kept").isEqualTo(512);
            assertThat(store.latestCheckpoint()).as("an unfinished recovery has no checkpoint").isEmpty();
        }

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + damaged, "--from", "dir:" + second, "--into", into.toString(),
                "--key", keyFile.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.err()).contains("continuing: it already holds").contains("falling back to the next vault, dir:" + second);
        assertThat(r.out()).contains("FELL BACK: dir:" + damaged).contains("were already there from an earlier attempt");
        assertThat(CliTest.kalaja("verify", "--data", into.toString()).exit()).isZero();
    }

    @Test
    void recoveryAtAnIndexKeepsThatPrefixAndVerifies() throws Exception {
        Path into = dir.resolve("past");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", into.toString(), "--at", "399");

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        try (Store s = StoreLocation.of(into, null).openForReading()) {
            assertThat(s.size()).isEqualTo(400);
            assertThat(Checkpoint.of(Note.parse(s.latestCheckpoint().orElseThrow())).size()).isLessThanOrEqualTo(400);
        }
        CliTest.Run verified = CliTest.kalaja("verify", "--data", into.toString(), "--vkey", log.logKey.verifierKey().format());
        assertThat(verified.exit()).as(verified.out()).isZero();
    }

    @Test
    void recoveryAtATimeKeepsTheEntriesWrittenUpToThen() throws Exception {
        java.time.Instant at;
        long expected = 0;
        try (Store original = StoreLocation.of(log.data, null).openForReading()) {
            at = org.kalaja.ledger.EntryCodec.decode(original.entry(450).orElseThrow().data()).time();
            for (long i = 0; i < original.size(); i++) {
                if (!org.kalaja.ledger.EntryCodec.decode(original.entry(i).orElseThrow().data()).time().isAfter(at)) expected = i + 1;
            }
        }
        Path into = dir.resolve("then");

        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", into.toString(), "--at", at.toString());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        try (Store s = StoreLocation.of(into, null).openForReading()) {
            assertThat(s.size()).isEqualTo(expected).isGreaterThan(450);
        }
        assertThat(CliTest.kalaja("verify", "--data", into.toString()).exit()).isZero();
    }

    @Test
    void serveRefusesARecoveredStoreWithoutItsLogKey() throws Exception {
        Path into = dir.resolve("keyless");
        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", into.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("no --key given");

        assertThatThrownBy(() -> open(into, StoreLocation.of(into, null)))
                .hasMessageContaining("does not exist").hasMessageContaining("will not create a new key");
        assertThat(into.resolve(Node.KEY_FILE)).doesNotExist();
    }

    @Test
    void recoveryRefusesAStoreThatAlreadyHoldsALog() throws Exception {
        CliTest.Run r = CliTest.kalaja("recover", "--from", "dir:" + log.vault, "--into", log.data.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("already holds a log with a checkpoint");
    }

    private static void copy(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    /** Keys read from each vault, as the command does without key options. */
    private static final class TrustedKeysOf {
        static TrustedKeys vault(Vault v) throws org.kalaja.engine.VerificationException {
            return TrustedKeys.resolve(v, java.util.Optional.empty(), List.of(), java.util.OptionalInt.empty());
        }
    }
}
