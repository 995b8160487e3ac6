package org.kalaja.engine.shipping;

import java.util.ArrayList;
import java.util.List;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * What a vault that published the tree of {@code from} leaves lacks to publish the tree of {@code to}
 * leaves: the C2SP entry bundles and hash tiles of the larger tree that the smaller tree's did not
 * include, full ones and the partial right edge. A resource of the larger tree that the vault already
 * holds at the same width is left out; one it may hold (the full bundle that replaces a partial one) is
 * included, since putting the same bytes again is harmless.
 */
final class ShipPlan {
    private ShipPlan() {}

    /** The entry bundles of the tree of {@code to} leaves not in the tree of {@code from} leaves. */
    static List<BundleId> bundles(long from, long to) {
        check(from, to);
        List<BundleId> out = new ArrayList<>();
        for (long i = from / TilePath.FULL_WIDTH; i < to / TilePath.FULL_WIDTH; i++) {
            out.add(new BundleId(i, TilePath.FULL_WIDTH));
        }
        if (to % TilePath.FULL_WIDTH != 0 && to != from) {
            out.add(new BundleId(to / TilePath.FULL_WIDTH, (int) (to % TilePath.FULL_WIDTH)));
        }
        return out;
    }

    /** The hash tiles, every level, of the tree of {@code to} leaves not in the tree of {@code from} leaves. */
    static List<TileId> tiles(long from, long to) {
        check(from, to);
        List<TileId> out = new ArrayList<>();
        for (int level = 0; hashesAt(level, to) > 0; level++) {
            long had = hashesAt(level, from);
            long has = hashesAt(level, to);
            for (long i = had / TilePath.FULL_WIDTH; i < has / TilePath.FULL_WIDTH; i++) {
                out.add(TileId.full(level, i));
            }
            if (has % TilePath.FULL_WIDTH != 0 && has != had) {
                out.add(new TileId(level, has / TilePath.FULL_WIDTH, (int) (has % TilePath.FULL_WIDTH)));
            }
        }
        return out;
    }

    private static long hashesAt(int level, long treeSize) {
        int shift = TilePath.HEIGHT * level;
        return shift >= Long.SIZE ? 0 : treeSize >>> shift;
    }

    private static void check(long from, long to) {
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("cannot ship from a tree of " + from + " to one of " + to + " leaves");
        }
    }
}
