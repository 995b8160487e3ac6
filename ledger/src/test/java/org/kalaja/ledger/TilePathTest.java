package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TilePathTest {
    @ParameterizedTest
    @CsvSource({
        "0, 0, 256, tile/0/000",
        "0, 5, 256, tile/0/005",
        "0, 999, 256, tile/0/999",
        "0, 1000, 256, tile/0/x001/000",
        "0, 1234067, 256, tile/0/x001/x234/067",
        "1, 1234067, 1, tile/1/x001/x234/067.p/1",
        "63, 0, 255, tile/63/000.p/255",
        "2, 9223372036854775807, 256, tile/2/x009/x223/x372/x036/x854/x775/807",
    })
    void hashTilePathsAreCanonical(int level, long index, int width, String path) {
        TileId id = new TileId(level, index, width);
        assertThat(id.path()).isEqualTo(path);
        assertThat(TileId.parse(path)).isEqualTo(id);
        assertThat(TilePath.parse(path)).isEqualTo(id);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 256, tile/entries/000",
        "1234067, 256, tile/entries/x001/x234/067",
        "3, 17, tile/entries/003.p/17",
    })
    void entryBundlePathsAreCanonical(long index, int width, String path) {
        BundleId id = new BundleId(index, width);
        assertThat(id.path()).isEqualTo(path);
        assertThat(BundleId.parse(path)).isEqualTo(id);
        assertThat(TilePath.parse(path)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "tile", "tile/", "tile/0", "tile/0/", "/tile/0/000", "tiles/0/000", "Tile/0/000",
        "tile/00/000", "tile/01/000", "tile/64/000", "tile/-1/000", "tile/a/000", "tile/100/000",
        "tile/0/0", "tile/0/00", "tile/0/0000", "tile/0/1234", "tile/0/x000/001", "tile/0/x001",
        "tile/0/001/002", "tile/0/x1/002", "tile/0/X001/002", "tile/0/x001/x002", "tile/0/x001//002",
        "tile/0/000/", "tile/0/-01", "tile/0/+01", "tile/0/ 01", "tile/0/00a",
        "tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/300", "tile/0/000.p/01", "tile/0/000.p/",
        "tile/0/000.p", "tile/0/000.p/1/", "tile/0/000.p/1.p/2", "tile/0/000.q/1", "tile/0/000.p/+1",
        "tile/0/x009/x223/x372/x036/x854/x775/808", "tile/0/x001/x001/x001/x001/x001/x001/x001/000",
        "tile/entries/", "tile/entries/0", "tile/entries/000.p/0", "tile/entries/x000/001",
        "tile/0/\u0661\u0662\u0663",
    })
    void nonCanonicalPathsAreRejectedWithTheReason(String path) {
        assertThatThrownBy(() -> TilePath.parse(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad tile path");
    }

    @Test
    void rejectionsNameWhatIsWrong() {
        assertThatThrownBy(() -> TileId.parse("tile/07/000")).hasMessageContaining("leading zero");
        assertThatThrownBy(() -> TileId.parse("tile/0/000.p/256")).hasMessageContaining("not below 256");
        assertThatThrownBy(() -> TileId.parse("tile/0/000.p/0")).hasMessageContaining("zero");
        assertThatThrownBy(() -> TileId.parse("tile/0/x000/005")).hasMessageContaining("leading zero group");
        assertThatThrownBy(() -> TileId.parse("tile/0/001/005")).hasMessageContaining("lacks the x prefix");
        assertThatThrownBy(() -> TileId.parse("tile/entries/000")).hasMessageContaining("entry bundle");
        assertThatThrownBy(() -> BundleId.parse("tile/0/000")).hasMessageContaining("hash tile");
    }

    @Property
    void tilePathsRoundTrip(@ForAll @IntRange(max = 63) int level, @ForAll @LongRange(max = Long.MAX_VALUE) long index,
                            @ForAll @IntRange(min = 1, max = 256) int width) {
        TileId id = new TileId(level, index, width);
        assertThat(TileId.parse(id.path())).isEqualTo(id);
        assertThat(new BundleId(index, width).path()).isEqualTo(BundleId.parse(new BundleId(index, width).path()).path());
    }

    @Property
    void parseOnRandomTextOnlyEverThrowsIllegalArgument(@ForAll("pathLike") String path) {
        try {
            TilePath parsed = TilePath.parse(path);
            assertThat(parsed.path()).isEqualTo(path);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).startsWith("bad tile path");
        }
    }

    @Provide
    Arbitrary<String> pathLike() {
        Arbitrary<String> grammar = Arbitraries.strings().withChars("tile/entris0123456789x.p-+ ")
                .ofMaxLength(40).map(s -> "tile/" + s);
        Arbitrary<String> mutated = Arbitraries.of("tile/0/x001/x234/067.p/12", "tile/entries/x001/000.p/255")
                .flatMap(p -> Arbitraries.integers().between(0, p.length() - 1)
                        .flatMap(i -> Arbitraries.chars().all().map(c -> p.substring(0, i) + c + p.substring(i + 1))));
        return Arbitraries.oneOf(grammar, mutated, Arbitraries.strings().all().ofMaxLength(60));
    }

    @Test
    void parseOfAHugePathIsFast() {
        String huge = "tile/0/" + "x001/".repeat(200_000) + "000";
        org.assertj.core.api.Assertions.assertThatCode(() -> {
            long start = System.nanoTime();
            assertThatThrownBy(() -> TilePath.parse(huge)).isInstanceOf(IllegalArgumentException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }).doesNotThrowAnyException();
    }

    @Test
    void treeOfSeventyThousandHasTheTilesTheSpecLists() {
        List<TileId> tiles = TileId.tilesOf(70_000);
        assertThat(tiles.stream().filter(t -> t.level() == 0 && t.isFull())).hasSize(273);
        assertThat(TileId.partialTilesOf(70_000)).containsExactly(
                new TileId(0, 273, 112), new TileId(1, 1, 17), new TileId(2, 0, 1));
        assertThat(tiles).contains(TileId.full(1, 0)).hasSize(273 + 1 + 1 + 1 + 1);
    }

    @Test
    void treeOf256IsOneFullTileAndAPartialTileOfWidthOneAbove() {
        assertThat(TileId.tilesOf(256)).containsExactly(TileId.full(0, 0), new TileId(1, 0, 1));
        assertThat(TileId.tilesOf(0)).isEmpty();
    }

    @Test
    void inTreeGivesTheWidthATileHasInThatTree() {
        assertThat(TileId.inTree(0, 273, 70_000)).isEqualTo(new TileId(0, 273, 112));
        assertThat(TileId.inTree(0, 272, 70_000)).isEqualTo(TileId.full(0, 272));
        assertThatThrownBy(() -> TileId.inTree(0, 274, 70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TileId.inTree(3, 0, 70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThat(BundleId.ofEntry(69_999, 70_000)).isEqualTo(new BundleId(273, 112));
        assertThat(BundleId.bundlesOf(513)).hasSize(3).last().isEqualTo(new BundleId(2, 1));
    }
}
