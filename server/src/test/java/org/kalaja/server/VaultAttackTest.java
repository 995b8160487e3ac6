package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.TileId;

/**
 * Issue 3, item 5: every change an attacker can make to a vault is caught by {@code kalaja verify
 * --vault} with a message that names it. Each test damages a fresh copy of one shipped vault.
 */
class VaultAttackTest {
    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    static ShippedLog log;

    @BeforeAll
    static void shipALog() throws Exception {
        log = ShippedLog.build(shared, 3, 300, 2);
    }

    private Path vault() throws Exception {
        return vault("vault");
    }

    /** A fresh copy of the shipped vault, under {@code name}. */
    private Path vault(String name) throws Exception {
        Path copy = dir.resolve(name);
        try (var files = Files.walk(log.vault)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(log.vault.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
        return copy;
    }

    private static CliTest.Run verify(Path vault) {
        return CliTest.kalaja("verify", "--vault", "dir:" + vault);
    }

    private static void tamper(Path file, UnaryOperator<byte[]> change) throws Exception {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(file, change.apply(Files.readAllBytes(file)));
    }

    /** Changes the last padding character of a bundle's JSON bodies: the entry stays well formed. */
    private static byte[] changeLastPadding(byte[] b) {
        b[new String(b, StandardCharsets.ISO_8859_1).lastIndexOf('x')] = 'y';
        return b;
    }

    private static byte[] flip(byte[] b, int at) {
        b[at] ^= 0x01;
        return b;
    }

    private static List<String> history(Path vault) throws Exception {
        List<String> sizes = new ArrayList<>();
        try (var files = Files.list(vault.resolve("checkpoints"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().forEach(sizes::add);
        }
        return sizes;
    }

    @Test
    void untouchedVaultVerifiesWithKeysFromTheVault() throws Exception {
        CliTest.Run r = verify(vault());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).startsWith("OK: ").contains(String.format("%,d entries", log.size)).contains("and 1 blobs")
                .contains("cosigned by witness.test/w0, witness.test/w1");
    }

    @Test
    void keysGivenByTheOperatorAreUsedInsteadOfTheVaults() throws Exception {
        Path vault = vault();
        CliTest.Run r = CliTest.kalaja("verify", "--vault", "dir:" + vault, "--vkey", log.logKey.verifierKey().format(),
                "--witness-vkey", log.witnesses.get(1).verifierKey().format(), "--quorum", "1");
        CliTest.Run stranger = CliTest.kalaja("verify", "--vault", "dir:" + vault, "--vkey",
                org.kalaja.ledger.SigningKey.generate(log.logKey.name(), org.kalaja.ledger.SignatureType.ED25519).verifierKey().format());

        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("cosigned by witness.test/w1 (quorum 1)").doesNotContain("keys read from the vault");
        assertThat(stranger.exit()).isEqualTo(1);
        assertThat(stranger.out()).contains("carries no signature by the log key");
    }

    @Test
    void flippedByteInAVaultTileIsNamedWithItsHashes() throws Exception {
        Path vault = vault();
        TileId tile = TileId.full(0, 1);
        tamper(vault.resolve(tile.path()), b -> flip(b, 5 * Hash.SIZE));

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: vault tile " + tile.path() + " hash 5 (entry 261)").contains("the tile was changed");
    }

    @Test
    void flippedByteInAVaultBundleNamesTheEntry() throws Exception {
        Path vault = vault();
        BundleId bundle = new BundleId(1, 256);
        tamper(vault.resolve(bundle.path()), VaultAttackTest::changeLastPadding);

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: entry ").contains("in vault bundle " + bundle.path()).contains("the bundle was changed");
    }

    @Test
    void flippedByteInAVaultBlobIsNamed() throws Exception {
        Path vault = vault();
        Path blob;
        try (var files = Files.list(vault.resolve("blobs"))) {
            blob = files.filter(p -> !p.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
        }
        tamper(blob, b -> flip(b, 100));

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: vault blob blobs/" + blob.getFileName() + " named by entry ").contains("has SHA-256");
    }

    @Test
    void deletedTileIsNamed() throws Exception {
        Path vault = vault();
        TileId tile = TileId.full(0, 2);
        Files.delete(vault.resolve(tile.path()));

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: vault tile " + tile.path() + " is missing");
    }

    @Test
    void changedPartialBundleOfAnEarlierCheckpointIsNamed() throws Exception {
        Path vault = vault();
        long first = Long.parseLong(history(vault).getFirst());
        BundleId partial = new BundleId(first / 256, (int) (first % 256));
        tamper(vault.resolve(partial.path()), VaultAttackTest::changeLastPadding);

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: vault bundle " + partial.path() + " of an earlier checkpoint is not a prefix of "
                + new BundleId(first / 256, 256).path()).contains(partial.path() + " was changed");
    }

    @Test
    void changedPartialTilesOfAnEarlierCheckpointAreNamed() throws Exception {
        long first = Long.parseLong(history(vault()).getFirst());
        for (TileId partial : List.of(new TileId(0, first / 256, (int) (first % 256)), new TileId(1, 0, (int) (first / 256)))) {
            Path vault = vault("level-" + partial.level());
            tamper(vault.resolve(partial.path()), b -> flip(b, 0));

            CliTest.Run r = verify(vault);

            assertThat(r.exit()).as(partial.path()).isEqualTo(1);
            assertThat(r.out()).startsWith("FAILED: vault tile " + partial.path() + " of an earlier checkpoint")
                    .contains(partial.path() + " was changed");
        }
    }

    @Test
    void publishedCheckpointRolledBackIsReported() throws Exception {
        Path vault = vault();
        List<String> sizes = history(vault);
        tamper(vault.resolve("checkpoint"), b -> readUnchecked(vault.resolve("checkpoints").resolve(sizes.getFirst())));

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("WARNING: ROLLBACK").contains("tree size " + Long.parseLong(sizes.getFirst()));
    }

    @Test
    void forkSignedByTheLogsOwnKeyInTheHistoryIsCaught() throws Exception {
        Path vault = vault();
        String older = history(vault).getFirst();
        long size = Long.parseLong(older);
        Note fork = new Checkpoint(log.logKey.name(), size, Hash.sha256("another tree".getBytes(StandardCharsets.UTF_8))).sign(log.logKey);
        tamper(vault.resolve("checkpoints").resolve(older), b -> fork.toBytes());

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: FORK: the log's key signed checkpoint " + size);
    }

    @Test
    void publishedCheckpointOfADifferentTreeOfTheSameSizeIsTampering() throws Exception {
        Path vault = vault();
        Note other = new Checkpoint(log.logKey.name(), log.size, Hash.sha256("rewritten".getBytes(StandardCharsets.UTF_8))).sign(log.logKey);
        tamper(vault.resolve(VaultPaths.CHECKPOINT), b -> other.toBytes());

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: TAMPERED").contains("tree size " + log.size).contains("not in the history");
    }

    @Test
    void forgedWitnessCosignatureIsNamed() throws Exception {
        Path vault = vault();
        rewriteNewest(vault, note -> {
            List<Note.Signature> sigs = new ArrayList<>();
            for (Note.Signature s : note.signatures()) {
                byte[] sig = s.signature();
                if (s.name().equals("witness.test/w1")) sig[20] ^= 1;
                sigs.add(new Note.Signature(s.name(), s.keyId(), sig));
            }
            return new Note(note.text(), sigs);
        });

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: ").contains("the cosignature of witness witness.test/w1 does not verify");
    }

    @Test
    void checkpointWithoutTheWitnessQuorumIsRefused() throws Exception {
        Path vault = vault();
        rewriteNewest(vault, note -> new Note(note.text(), note.signatures().subList(0, 1)));

        CliTest.Run r = verify(vault);

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("carries 0 valid witness cosignatures, fewer than the quorum of 2");
    }

    /** Replaces the newest history note and the published checkpoint alike, so only the signatures differ. */
    private static void rewriteNewest(Path vault, UnaryOperator<Note> change) throws Exception {
        Path newest = vault.resolve("checkpoints").resolve(history(vault).getLast());
        byte[] changed = change.apply(Note.parse(Files.readAllBytes(newest))).toBytes();
        tamper(newest, b -> changed);
        tamper(vault.resolve(VaultPaths.CHECKPOINT), b -> changed);
    }

    private static byte[] readUnchecked(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
