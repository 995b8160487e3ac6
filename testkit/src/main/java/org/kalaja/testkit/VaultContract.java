package org.kalaja.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.kalaja.engine.vault.ReadBuffer;
import org.kalaja.engine.vault.Vault;
import org.kalaja.engine.vault.VaultException;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.engine.vault.VaultTamperException;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TileId;

/**
 * The behaviour every {@link Vault} driver MUST show. A driver's test extends this class and says how
 * to open a fresh vault and a second one on the same storage; every test here then runs against it.
 *
 * <pre>{@code
 * class DirectoryVaultTest extends VaultContract {
 *     @TempDir Path dir;
 *     protected Vault newVault() { return DirectoryVault.open(dir); }
 *     protected Vault openAgain(Vault vault) { return DirectoryVault.open(dir); }
 * }
 * }</pre>
 *
 * Covered: write-once, idempotent re-put, tamper detection, the published checkpoint and its history,
 * list order, path validation, large content, concurrency within and across vault instances.
 */
public abstract class VaultContract extends VaultFixture {
    static final String TILE = TileId.full(0, 0).path();
    static final String PARTIAL_TILE = new TileId(1, 1_234_067, 17).path();
    static final String BUNDLE = new BundleId(1000, 256).path();
    static final String PARTIAL_BUNDLE = new BundleId(3, 5).path();

    @Test
    void emptyVaultHoldsNothing() {
        assertThat(vault.describe()).isNotBlank();
        assertThat(vault.get(TILE)).isEmpty();
        assertThat(vault.get(VaultPaths.history(0))).isEmpty();
        assertThat(vault.checkpoint()).isEmpty();
        assertThat(vault.list("")).isEmpty();
        assertThat(vault.list("tile/")).isEmpty();
        assertThat(vault.listPartials()).isEmpty();
    }

    @Test
    void putThenGetReturnsTheBytesAtEveryKindOfPath() {
        Map<String, byte[]> contents = new LinkedHashMap<>();
        for (String path : List.of(TILE, PARTIAL_TILE, BUNDLE, PARTIAL_BUNDLE, VaultPaths.history(42))) {
            contents.put(path, bytes("content of " + path));
        }
        byte[] blob = bytes("a scanned birth certificate");
        contents.put(blobPath(blob), blob);
        contents.put(blobPath(new byte[0]), new byte[0]);

        contents.forEach(vault::put);
        contents.forEach((path, content) ->
                assertThat(vault.get(path)).as(path).hasValueSatisfying(held -> assertThat(held).isEqualTo(content)));
        assertThat(vault.get(TileId.full(0, 1).path())).isEmpty();
        assertThat(vault.list("")).containsExactlyInAnyOrderElementsOf(contents.keySet());
    }

    @Test
    void putOfTheSameBytesAgainSucceedsAndChangesNothing() {
        vault.put(BUNDLE, bytes("bundle"));
        vault.put(BUNDLE, bytes("bundle"));
        secondWriter().put(BUNDLE, bytes("bundle"));
        assertThat(vault.get(BUNDLE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("bundle")));
        assertThat(vault.list("")).containsExactly(BUNDLE);
    }

    @Test
    void putOfDifferentBytesIsRefusedAsTamperingAndTheFirstContentStays() {
        vault.put(TILE, bytes("first"));
        for (Vault writer : List.of(vault, secondWriter())) {
            assertThatThrownBy(() -> writer.put(TILE, bytes("second")))
                    .isInstanceOfSatisfying(VaultTamperException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.path()).isEqualTo(TILE);
                        assertThat(e.heldSha256()).isEqualTo(Hash.sha256(bytes("first")));
                        assertThat(e.offeredSha256()).isEqualTo(Hash.sha256(bytes("second")));
                    })
                    .hasMessageContaining(TILE)
                    .hasMessageContaining(Hash.sha256(bytes("first")).hex())
                    .hasMessageContaining(Hash.sha256(bytes("second")).hex())
                    .hasMessageContaining("attack")
                    .hasMessageContaining("second writer");
        }
        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("first")));
    }

    @Test
    void readIntoReturnsWhatGetReturnsReusingOneBufferForLargerAndSmallerContents() {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        byte[] small = bytes("a short partial bundle");
        vault.put(BUNDLE, big);
        vault.put(PARTIAL_BUNDLE, small);
        ReadBuffer buffer = new ReadBuffer(16);

        assertThat(vault.readInto(BUNDLE, buffer)).isTrue();
        assertThat(buffer.copy()).isEqualTo(big);
        assertThat(vault.readInto(PARTIAL_BUNDLE, buffer)).isTrue();
        assertThat(buffer.length()).isEqualTo(small.length);
        assertThat(buffer.copy()).isEqualTo(small);
        assertThat(vault.readInto(TileId.full(0, 1).path(), buffer)).isFalse();
        assertThat(buffer.length()).isZero();
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] given = bytes("tile bytes");
        vault.put(TILE, given);
        given[0] = 'X';
        vault.get(TILE).orElseThrow()[1] = 'Y';
        assertThat(vault.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("tile bytes")));
    }

    @Test
    void everythingWrittenIsThereAfterClosingAndOpeningAgain() {
        vault.put(TILE, bytes("tile"));
        byte[] note = inHistory(vault, 7);
        vault.putCheckpoint(note);
        vault.close();

        Vault again = secondWriter();
        assertThat(again.get(TILE)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes("tile")));
        assertThat(again.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(note));
        assertThat(again.list("")).containsExactly(VaultPaths.CHECKPOINT, VaultPaths.history(7), TILE);
    }

    @Test
    void publishedCheckpointIsReplacedByANewerOneAndTheHistoryKeepsBoth() {
        byte[] older = inHistory(vault, 5);
        vault.putCheckpoint(older);
        assertThat(vault.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(older));

        byte[] newer = inHistory(vault, 9);
        vault.putCheckpoint(newer);
        vault.putCheckpoint(newer); // publishing it again changes nothing
        assertThat(vault.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(newer));
        assertThat(vault.get(VaultPaths.history(5))).hasValueSatisfying(held -> assertThat(held).isEqualTo(older));
        assertThat(vault.list(VaultPaths.HISTORY)).containsExactly(VaultPaths.history(5), VaultPaths.history(9));
    }

    @Test
    void checkpointThatIsNotInTheHistoryIsRefused() {
        assertThatThrownBy(() -> vault.putCheckpoint(checkpointNote(3)))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining(VaultPaths.history(3));
        assertThat(vault.checkpoint()).isEmpty();

        byte[] kept = inHistory(vault, 4);
        byte[] otherOfSameSize = checkpointNote(4, "a fork");
        assertThat(vault.get(VaultPaths.history(4))).hasValueSatisfying(held -> assertThat(held).isEqualTo(kept));
        assertThatThrownBy(() -> vault.putCheckpoint(otherOfSameSize))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("holds a different note");
        assertThat(vault.checkpoint()).isEmpty();
    }

    @Test
    void publishedCheckpointNeverMovesBack() {
        byte[] older = inHistory(vault, 5);
        byte[] newer = inHistory(vault, 9);
        vault.putCheckpoint(newer);
        assertThatThrownBy(() -> vault.putCheckpoint(older))
                .isInstanceOfSatisfying(VaultException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("9").hasMessageContaining("5");
        assertThat(vault.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(newer));
    }

    @Test
    void checkpointThatIsNotASignedCheckpointNoteIsRefused() {
        assertThatThrownBy(() -> vault.putCheckpoint(bytes("not a note\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signed checkpoint note");
        assertThat(vault.checkpoint()).isEmpty();
    }

    @Test
    void listReturnsThePathsUnderAPrefixInOrderHistoryInTreeSizeOrder() {
        for (long size : new long[] {100, 2, 1_000_000, 10, 9}) inHistory(vault, size);
        byte[] a = bytes("blob a");
        byte[] b = bytes("blob b");
        vault.put(blobPath(a), a);
        vault.put(blobPath(b), b);
        vault.put(TILE, bytes("tile"));
        vault.put(PARTIAL_TILE, bytes("partial tile"));
        vault.putCheckpoint(checkpointNoteIn(vault, 1_000_000));

        assertThat(vault.list(VaultPaths.HISTORY)).extracting(VaultPaths::historySize)
                .containsExactly(2L, 9L, 10L, 100L, 1_000_000L);
        assertThat(vault.list(VaultPaths.BLOBS)).isSorted().containsExactlyInAnyOrder(blobPath(a), blobPath(b));
        assertThat(vault.list("tile/")).containsExactly(TILE, PARTIAL_TILE);
        assertThat(vault.list("tile/1/x001/")).containsExactly(PARTIAL_TILE);
        assertThat(vault.list("checkpoints/000000000000000000")).extracting(VaultPaths::historySize)
                .containsExactly(2L, 9L, 10L);
        assertThat(vault.list("")).isSorted().hasSize(10).contains(VaultPaths.CHECKPOINT);
        assertThat(vault.list("tile/entries/")).isEmpty();
        String firstDigits = VaultPaths.BLOBS + Hash.sha256(a).hex().substring(0, 2);
        assertThat(vault.list(firstDigits)).contains(blobPath(a)).allSatisfy(p -> assertThat(p).startsWith(firstDigits));
    }

    @Test
    void listPartialsReturnsThePartialTilesAndBundlesAtEveryLevelInListOrder() {
        List<String> partials = List.of(new TileId(0, 3, 5).path(), new TileId(0, 3, 200).path(), new TileId(2, 0, 15).path(),
                PARTIAL_TILE, new BundleId(3, 200).path(), PARTIAL_BUNDLE, new BundleId(1_234_067, 1).path());
        for (String path : partials) vault.put(path, bytes(path));
        for (String path : List.of(TILE, TileId.full(0, 3).path(), TileId.full(1, 1_234_067).path(), BUNDLE, new BundleId(3, 256).path())) {
            vault.put(path, bytes(path));
        }
        byte[] blob = bytes("blob");
        vault.put(blobPath(blob), blob);
        inHistory(vault, 5);

        assertThat(vault.listPartials()).isSorted().containsExactlyInAnyOrderElementsOf(partials)
                .isEqualTo(vault.list(VaultPaths.TILES).stream().filter(p -> p.contains(".p/")).toList());
    }

    private static byte[] checkpointNoteIn(Vault vault, long size) {
        return vault.get(VaultPaths.history(size)).orElseThrow();
    }

    @Test
    void pathsOutsideTheLayoutAreRefusedBeforeAnythingIsWritten() {
        String zeros = "0".repeat(64);
        List<String> bad = List.of("", "foo", "../checkpoint", "/tile/0/000", "./tile/0/000", "tile/0/../../../etc/passwd",
                "tile/0/0", "tile/0/000/", "Tile/0/000", "tile\\0\\000", "tile/0/000.p/256", "tile/64/000",
                "checkpoints/5", "checkpoints/" + "1".repeat(21), "checkpoints/99999999999999999999",
                "checkpoints/-0000000000000000001", "blobs/" + zeros.toUpperCase().replace('0', 'A'), "blobs/xyz",
                "blobs/" + zeros + "/x", VaultPaths.CHECKPOINT, "checkpoint/", ".tmp");
        for (String path : bad) {
            assertThatThrownBy(() -> vault.put(path, bytes("x"))).as(path).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> vault.get(path)).as(path).isInstanceOf(IllegalArgumentException.class);
        }
        for (String prefix : List.of("/", "../", "tile//", "Tile/", ".", "tile/.p", "blobs/\u0000", "tile/../")) {
            assertThatThrownBy(() -> vault.list(prefix)).as(prefix).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(vault.list("")).isEmpty();
    }

    @Test
    void blobWhoseNameIsNotItsSha256IsRefused() {
        String path = blobPath(bytes("what was promised"));
        assertThatThrownBy(() -> vault.put(path, bytes("something else")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Hash.sha256(bytes("something else")).hex());
        assertThat(vault.get(path)).isEmpty();
    }

    @Test
    void fourMebibyteContentRoundTripsAndOneChangedByteIsTampering() {
        byte[] big = new byte[4 << 20];
        new Random(42).nextBytes(big);
        vault.put(blobPath(big), big);
        vault.put(BUNDLE, big);
        vault.put(BUNDLE, big.clone());
        assertThat(vault.get(blobPath(big))).hasValueSatisfying(held -> assertThat(held).isEqualTo(big));
        byte[] changed = big.clone();
        changed[3 << 20] ^= 1;
        assertThatThrownBy(() -> vault.put(BUNDLE, changed)).isInstanceOf(VaultTamperException.class);
        assertThat(Arrays.equals(vault.get(BUNDLE).orElseThrow(), big)).isTrue();
    }

    @Test
    @Timeout(120)
    void concurrentPutsOfTheSameBytesAllSucceed() throws Exception {
        Vault other = secondWriter();
        for (int round = 0; round < 20; round++) {
            String path = TileId.full(0, round).path();
            byte[] content = bytes("tile " + round);
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Vault writer = t % 2 == 0 ? vault : other;
                tasks.add(() -> {
                    writer.put(path, content);
                    return null;
                });
            }
            assertThat(race(tasks)).allSatisfy(o -> assertThat(o.thrown()).isNull());
            assertThat(vault.get(path)).hasValueSatisfying(held -> assertThat(held).isEqualTo(content));
        }
    }

    @Test
    @Timeout(120)
    void concurrentPutsOfDifferentBytesLeaveExactlyOneWinner() throws Exception {
        Vault other = secondWriter();
        for (int round = 0; round < 20; round++) {
            String path = new BundleId(round, 256).path();
            List<Callable<byte[]>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Vault writer = t % 2 == 0 ? vault : other;
                byte[] content = bytes("bundle " + round + " as writer " + t + " has it");
                tasks.add(() -> {
                    writer.put(path, content);
                    return content;
                });
            }
            List<Outcome<byte[]>> outcomes = race(tasks);
            List<byte[]> winners = outcomes.stream().filter(o -> o.thrown() == null).map(Outcome::value).toList();
            assertThat(winners).as("round %d", round).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o.thrown() != null)
                    .allSatisfy(o -> assertThat(o.thrown()).isInstanceOf(VaultTamperException.class));
            for (Vault reader : List.of(vault, other)) {
                assertThat(reader.get(path)).hasValueSatisfying(held -> assertThat(held).isEqualTo(winners.get(0)));
            }
        }
    }

    @Test
    @Timeout(120)
    void concurrentPutsOfDifferentPathsAllLand() throws Exception {
        List<Callable<Void>> tasks = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            List<String> mine = new ArrayList<>();
            for (int i = 0; i < 50; i++) mine.add(TileId.full(t % 3, 1000L * t + i).path());
            expected.addAll(mine);
            tasks.add(() -> {
                for (String path : mine) vault.put(path, bytes(path));
                return null;
            });
        }
        assertThat(race(tasks)).allSatisfy(o -> assertThat(o.thrown()).isNull());
        assertThat(vault.list("tile/")).containsExactlyInAnyOrderElementsOf(expected).isSorted();
        for (String path : expected) {
            assertThat(vault.get(path)).hasValueSatisfying(held -> assertThat(held).isEqualTo(bytes(path)));
        }
    }

    @Test
    @Timeout(120)
    void concurrentPublicationsLeaveTheNewestCheckpoint() throws Exception {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (long size = 1; size <= 8; size++) {
            byte[] note = inHistory(vault, size);
            tasks.add(() -> {
                vault.putCheckpoint(note);
                return null;
            });
        }
        assertThat(race(tasks)).allSatisfy(o -> {
            if (o.thrown() != null) {
                assertThat(o.thrown()).isInstanceOf(VaultException.class).hasMessageContaining("back");
            }
        });
        assertThat(vault.checkpoint()).hasValueSatisfying(held -> assertThat(held).isEqualTo(checkpointNoteIn(vault, 8)));
    }

    @Test
    void closedVaultRefusesWork() {
        vault.put(TILE, bytes("tile"));
        vault.close();
        vault.close();
        assertThatThrownBy(() -> vault.get(TILE)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vault.put(BUNDLE, bytes("b"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vault.checkpoint()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> vault.list("")).isInstanceOf(IllegalStateException.class);
    }
}
