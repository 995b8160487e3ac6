package org.kalaja.engine.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kalaja.engine.vault.DirectoryVault.Faults.Step;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.TileId;
import org.kalaja.testkit.VaultContract;

/** The vault contract on a directory, and what only a directory can show: files, modes, torn writes. */
class DirectoryVaultTest extends VaultContract {
    private static final String TILE = TileId.full(0, 5).path();
    private static final SigningKey KEY = SigningKey.generate("dir.example/log", SignatureType.ED25519);

    @TempDir
    Path root;

    @Override
    protected Vault newVault() {
        return DirectoryVault.open(root);
    }

    @Override
    protected Vault openAgain(Vault vault) {
        return DirectoryVault.open(root);
    }

    /** Fails the chosen step once, the way a disk that fills up does: after part of the bytes. */
    private static final class FullDisk implements DirectoryVault.Faults {
        private volatile Step failAt;

        FullDisk(Step failAt) {
            this.failAt = failAt;
        }

        @Override
        public void before(Step step, Path path) throws IOException {
            if (step != failAt) {
                return;
            }
            failAt = null;
            if (step == Step.WRITE) {
                Files.write(path, "half a til".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
            }
            throw new IOException(path + ": No space left on device");
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] note(long size) {
        return new Checkpoint("dir.example/log", size, Hash.sha256(bytes("root " + size))).sign(KEY).toBytes();
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
        }
    }

    @Test
    void describeNamesTheDirectory() {
        assertThat(vault.describe()).isEqualTo("dir:" + root.toAbsolutePath().normalize());
    }

    @Test
    void writtenFilesAndThePublishedCheckpointAreReadOnly() throws IOException {
        vault.put(TILE, bytes("tile"));
        vault.put(VaultPaths.history(3), note(3));
        vault.putCheckpoint(note(3));
        for (String path : List.of(TILE, VaultPaths.history(3), VaultPaths.CHECKPOINT)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve(path))))
                    .as(path).isEqualTo("r--r--r--");
        }
        assertThat(Files.readAllBytes(root.resolve("tile/0/005"))).isEqualTo(bytes("tile"));
    }

    @Test
    void publishingIntoAVaultWhoseDirectoryWentAwayIsRetryableNotAnAttack() throws IOException {
        vault.put(VaultPaths.history(3), note(3));
        Path away = root.resolveSibling(root.getFileName() + "-unmounted");
        Files.move(root, away); // the disk is unmounted between the history and the publication
        try {
            assertThatThrownBy(() -> vault.putCheckpoint(note(3))).isInstanceOfSatisfying(VaultException.class,
                    e -> assertThat(e.retryable()).as(e.getMessage()).isTrue()).hasMessageContaining("the vault's directory is gone");
        } finally {
            Files.move(away, root);
        }
        vault.putCheckpoint(note(3));
        assertThat(vault.checkpoint()).hasValueSatisfying(n -> assertThat(n).isEqualTo(note(3)));
    }

    @ParameterizedTest
    @EnumSource(value = Step.class, names = {"WRITE", "SYNC", "PUBLISH"})
    void writeThatFailsBeforePublishingLeavesNothingVisibleAndNoTemporaryFile(Step step) throws IOException {
        try (Vault faulty = DirectoryVault.open(root, new FullDisk(step))) {
            assertThatThrownBy(() -> faulty.put(TILE, bytes("a whole tile")))
                    .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining(TILE).hasMessageContaining("No space left on device")
                    .hasMessageContaining("retry");
            assertThat(faulty.get(TILE)).isEmpty();
            assertThat(faulty.list("")).isEmpty();
            assertThat(temporaryFiles()).isEmpty();

            faulty.put(TILE, bytes("a whole tile")); // the disk has room again
            assertThat(faulty.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("a whole tile")));
        }
    }

    @Test
    void writeThatFailsAfterPublishingShowsTheWholeContentAndARetryCompletesIt() throws IOException {
        try (Vault faulty = DirectoryVault.open(root, new FullDisk(Step.SYNC_DIRECTORY))) {
            assertThatThrownBy(() -> faulty.put(TILE, bytes("a whole tile")))
                    .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isTrue());
            assertThat(faulty.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("a whole tile")));
            assertThat(temporaryFiles()).isEmpty();
            faulty.put(TILE, bytes("a whole tile"));
        }
    }

    @ParameterizedTest
    @EnumSource(Step.class)
    void checkpointPublicationThatFailsKeepsThePreviousOneWhole(Step step) throws IOException {
        vault.put(VaultPaths.history(3), note(3));
        vault.put(VaultPaths.history(8), note(8));
        vault.putCheckpoint(note(3));
        try (Vault faulty = DirectoryVault.open(root, new FullDisk(step))) {
            assertThatThrownBy(() -> faulty.putCheckpoint(note(8)))
                    .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageContaining(VaultPaths.CHECKPOINT);
            // Before the rename the old checkpoint is there, after it the new one: never a mix.
            byte[] expected = step == Step.SYNC_DIRECTORY ? note(8) : note(3);
            assertThat(faulty.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(expected));
            assertThat(temporaryFiles()).isEmpty();
            faulty.putCheckpoint(note(8));
            assertThat(faulty.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(note(8)));
        }
    }

    @Test
    void flippedByteOnDiskIsReturnedAsItIsAndPuttingTheOriginalAgainIsTampering() throws IOException {
        byte[] original = bytes("leaf hashes of tile 5");
        vault.put(TILE, original);
        Path file = root.resolve(TILE);
        byte[] damaged = original.clone();
        damaged[0] ^= 0x01;
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.write(file, damaged);

        // Detection is the verifier's job: the vault hands over what the disk holds.
        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(damaged));
        assertThatThrownBy(() -> vault.put(TILE, original)).isInstanceOfSatisfying(VaultTamperException.class,
                e -> assertThat(e.heldSha256()).isEqualTo(Hash.sha256(damaged)));
    }

    @Test
    void openRefusesARootThatIsMissingOrAFileAndCreatesNothing() throws IOException {
        Path missing = root.resolve("not-mounted");
        assertThatThrownBy(() -> DirectoryVault.open(missing))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining(missing.toString()).hasMessageContaining("create it");
        assertThat(missing).doesNotExist();

        Path file = Files.writeString(root.resolve("a-file"), "x");
        assertThatThrownBy(() -> DirectoryVault.open(file)).isInstanceOf(VaultException.class);
    }

    @Test
    void foreignAndTemporaryFilesAreNeitherListedNorInTheWay() throws IOException {
        Files.writeString(root.resolve("README"), "someone's notes");
        Files.createDirectories(root.resolve("tile/0"));
        Files.writeString(root.resolve("tile/0/.005.1234.tmp"), "left by a writer killed mid-write");
        Files.createDirectories(root.resolve("blobs"));
        Files.writeString(root.resolve("blobs/not-a-hash"), "x");

        assertThat(vault.list("")).isEmpty();
        vault.put(TILE, bytes("tile"));
        assertThat(vault.list("")).containsExactly(TILE);
    }

    @Test
    void listPartialsSkipsWhatIsNotAPartialWhereTheLayoutExpectsOne() throws IOException {
        String partial = new TileId(0, 3, 5).path(); // tile/0/003.p/5
        vault.put(partial, bytes("partial"));
        Files.writeString(root.resolve("tile/0/003.p/.5.99.tmp"), "left by a writer killed mid-write");
        Files.createDirectories(root.resolve("tile/0/003.p/6")); // a directory where a partial tile belongs
        Files.writeString(root.resolve("tile/0/x001"), "a file where a directory of tiles belongs");
        Files.writeString(root.resolve("tile/0/004.p"), "a file where a directory of partials belongs");
        Files.writeString(root.resolve("tile/notes.p"), "someone's notes");

        assertThat(vault.listPartials()).containsExactly(partial);
    }

    @Test
    void pathWhoseDirectoryIsBlockedByAFileFailsNamingThePath() throws IOException {
        Files.writeString(root.resolve("tile"), "a file where the tile directory belongs");
        assertThatThrownBy(() -> vault.put(TILE, bytes("tile")))
                .isInstanceOf(VaultException.class).hasMessageContaining(TILE).hasMessageContaining(root.toString());
        assertThat(temporaryFiles()).isEmpty();
    }
}
