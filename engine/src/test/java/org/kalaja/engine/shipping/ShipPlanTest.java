package org.kalaja.engine.shipping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

class ShipPlanTest {
    @Property(tries = 100)
    void shippingInAnyStepsLeavesTheVaultWithEveryResourceOfTheLastTree(
            @ForAll @Size(min = 1, max = 6) List<@LongRange(min = 1, max = 200_000) Long> steps) {
        Set<String> shipped = new HashSet<>();
        long size = 0;
        for (long step : steps) {
            long next = size + step;
            for (BundleId b : ShipPlan.bundles(size, next)) shipped.add(b.path());
            for (TileId t : ShipPlan.tiles(size, next)) shipped.add(t.path());
            size = next;
        }
        for (TilePath p : BundleId.bundlesOf(size)) assertThat(shipped).contains(p.path());
        for (TilePath p : TileId.tilesOf(size)) assertThat(shipped).contains(p.path());
    }

    @Property(tries = 100)
    void aPlanNamesOnlyResourcesOfTheLargerTreeThatTheSmallerDidNotHold(
            @ForAll @LongRange(min = 0, max = 300_000) long from, @ForAll @LongRange(min = 0, max = 300_000) long more) {
        long to = from + more;
        Set<String> larger = new HashSet<>();
        BundleId.bundlesOf(to).forEach(b -> larger.add(b.path()));
        TileId.tilesOf(to).forEach(t -> larger.add(t.path()));
        Set<String> smaller = new HashSet<>();
        if (from > 0) {
            BundleId.bundlesOf(from).forEach(b -> smaller.add(b.path()));
            TileId.tilesOf(from).forEach(t -> smaller.add(t.path()));
        }
        for (BundleId b : ShipPlan.bundles(from, to)) {
            assertThat(larger).contains(b.path());
            assertThat(smaller).doesNotContain(b.path());
        }
        for (TileId t : ShipPlan.tiles(from, to)) {
            assertThat(larger).contains(t.path());
            assertThat(smaller).doesNotContain(t.path());
        }
    }

    @Test
    void growingWithinOnePartialBundleShipsTheNewPartialsOnly() {
        assertThat(ShipPlan.bundles(10, 20)).containsExactly(new BundleId(0, 20));
        assertThat(ShipPlan.tiles(10, 20)).containsExactly(new TileId(0, 0, 20));
        assertThat(ShipPlan.bundles(20, 20)).isEmpty();
        assertThat(ShipPlan.tiles(70_000, 70_000)).isEmpty();
    }
}
