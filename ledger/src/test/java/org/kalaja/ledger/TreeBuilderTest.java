package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TreeBuilderTest {
    private static final List<Hash> LEAVES = NaiveMerkle.leaves(0, 4000);

    @Property(tries = 200)
    void rootMatchesTheNaiveRfc6962Root(@ForAll @IntRange(max = 4000) int size, @ForAll boolean serveWidest) {
        MemoryTiles tiles = new MemoryTiles(serveWidest);
        TreeUpdate update = tiles.append(LEAVES.subList(0, size));
        Hash expected = NaiveMerkle.root(LEAVES.subList(0, size));
        assertThat(update.size()).isEqualTo(size);
        assertThat(update.root()).isEqualTo(expected);
        assertThat(TreeBuilder.root(size, tiles)).isEqualTo(expected);
    }

    @Property(tries = 100)
    void appendingInRandomChunksYieldsTheSameTilesAsAppendingAllAtOnce(
            @ForAll @Size(max = 30) List<@IntRange(max = 600) Integer> chunks, @ForAll boolean serveWidest) {
        MemoryTiles chunked = new MemoryTiles(serveWidest);
        int size = 0;
        for (int chunk : chunks) {
            int end = Math.min(LEAVES.size(), size + chunk);
            TreeUpdate update = chunked.append(LEAVES.subList(size, end));
            size = end;
            assertThat(update.root()).isEqualTo(NaiveMerkle.root(LEAVES.subList(0, size)));
        }
        MemoryTiles once = MemoryTiles.of(LEAVES.subList(0, size));
        assertThat(chunked.snapshot()).isEqualTo(once.snapshot());
        assertThat(once.snapshot().keySet())
                .isEqualTo(TileId.tilesOf(size).stream().map(TileId::path).collect(Collectors.toSet()));
    }

    @Property(tries = 200)
    void changedTilesAreExactlyTheTilesTheNewTreeHasAndTheOldOneLacks(
            @ForAll @IntRange(max = 2000) int oldSize, @ForAll @IntRange(max = 2000) int added) {
        MemoryTiles tiles = MemoryTiles.of(LEAVES.subList(0, oldSize));
        TreeUpdate update = tiles.append(LEAVES.subList(oldSize, oldSize + added));
        Set<TileId> expected = new HashSet<>(TileId.tilesOf(oldSize + added));
        expected.removeAll(TileId.tilesOf(oldSize));
        assertThat(update.changedTiles()).map(Tile::id).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 255, 256, 257, 511, 512, 513, 65_535, 65_536, 65_537, 65_792})
    void rootAndTilesAreRightAroundTileBoundaries(int size) {
        List<Hash> leaves = NaiveMerkle.leaves(0, size);
        Hash expected = NaiveMerkle.root(leaves);
        MemoryTiles once = MemoryTiles.of(leaves);
        assertThat(TreeBuilder.root(size, once)).isEqualTo(expected);
        assertThat(once.snapshot().keySet())
                .isEqualTo(TileId.tilesOf(size).stream().map(TileId::path).collect(Collectors.toSet()));
        MemoryTiles twoSteps = MemoryTiles.of(leaves.subList(0, size - 1));
        assertThat(twoSteps.append(leaves.subList(size - 1, size)).root()).isEqualTo(expected);
        assertThat(twoSteps.snapshot()).isEqualTo(once.snapshot());
    }

    @Test
    void appendReadsOnlyTheRightEdgeOfTheOldTree() {
        MemoryTiles tiles = MemoryTiles.of(NaiveMerkle.leaves(0, 70_000));
        tiles.reads = 0;
        tiles.append(NaiveMerkle.leaves(70_000, 70_100));
        // Tree 70,000 has partial tiles at levels 0, 1 and 2; the root needs the (unchanged) level 2 one.
        assertThat(tiles.reads).isLessThanOrEqualTo(2 * TileId.partialTilesOf(70_000).size());
    }

    @Test
    void appendingNothingChangesNothing() {
        MemoryTiles tiles = MemoryTiles.of(LEAVES.subList(0, 300));
        TreeUpdate update = tiles.append(List.of());
        assertThat(update.size()).isEqualTo(300);
        assertThat(update.root()).isEqualTo(NaiveMerkle.root(LEAVES.subList(0, 300)));
        assertThat(update.changedTiles()).isEmpty();
        assertThat(TreeBuilder.append(0, (l, i, w) -> {
            throw new AssertionError("the empty tree has no tiles");
        }, List.of()).root()).isEqualTo(Merkle.emptyRoot());
    }

    @Test
    void aReaderReturningTooFewBytesIsNamed() {
        assertThatThrownBy(() -> TreeBuilder.append(3, (l, i, w) -> new byte[64], LEAVES.subList(0, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tile/0/000.p/3").hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> TreeBuilder.root(3, (l, i, w) -> new byte[100]))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aHundredThousandLeavesAppendQuickly() {
        MemoryTiles tiles = MemoryTiles.of(NaiveMerkle.leaves(0, 1_000));
        List<Hash> batch = NaiveMerkle.leaves(1_000, 101_000);
        long start = System.nanoTime();
        TreeUpdate update = tiles.append(batch);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Level 0 tiles 3 (was partial) to 394 (partial), tile/1/000, tile/1/001.p/138, tile/2/000.p/1.
        assertThat(update.changedTiles().size()).isEqualTo(392 + 3);
        // Generous: ~100k node hashes take ~50 ms on these machines; this catches accidental O(n^2).
        assertThat(millis).isLessThan(5_000);
    }

    /** The vectors of docs/FORMATS.md; the roots were computed independently with Python's hashlib. */
    @Test
    void formatsDocumentVectorsHold() {
        List<byte[]> entries = List.of("hello".getBytes(US_ASCII), "kalaja".getBytes(US_ASCII), new byte[0]);
        TreeUpdate update = TreeBuilder.append(0, (l, i, w) -> {
            throw new AssertionError("nothing to read");
        }, EntryBundle.leafHashes(entries));
        assertThat(update.root().hex()).isEqualTo("57ece6f17aefaf5af35683c2563d75f981ec8ce75d456502221537b2348a6f84");
        assertThat(update.changedTiles()).singleElement().satisfies(t -> {
            assertThat(t.id().path()).isEqualTo("tile/0/000.p/3");
            assertThat(t.hash(0).hex()).isEqualTo("8a2a5c9b768827de5a9552c38a044c66959c68f6d2f21b5260af54d2f87db827");
        });
        assertThat(java.util.HexFormat.of().formatHex(EntryBundle.encode(entries)))
                .isEqualTo("000568656c6c6f00066b616c616a610000");
        assertThat(MemoryTiles.of(NaiveMerkle.leaves(0, 70_000)).append(List.of()).root().hex())
                .isEqualTo("1a4cdfcb66374a0c0dcbef49acbd4976d13ee864fb3cb241fc943cad04f02f7e");
    }

    @Test
    void tileEqualityIsByContentAndItsArrayIsCopied() {
        byte[] hashes = new byte[64];
        Tile tile = new Tile(new TileId(0, 0, 2), hashes);
        hashes[0] = 1;
        assertThat(tile).isEqualTo(new Tile(new TileId(0, 0, 2), new byte[64]));
        tile.hashes()[0] = 1;
        assertThat(tile.hash(0)).isEqualTo(Hash.of(new byte[32]));
        assertThatThrownBy(() -> new Tile(new TileId(0, 0, 3), new byte[64])).isInstanceOf(IllegalArgumentException.class);
    }
}
