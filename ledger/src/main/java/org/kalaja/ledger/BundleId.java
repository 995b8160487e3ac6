package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A C2SP entry bundle: {@code tile/entries/<index>[.p/<width>]}, the entries whose leaf hashes are
 * level 0 tile {@code index}: entries {@code index * 256} to {@code index * 256 + width - 1}.
 * Encoding: {@link EntryBundle}.
 *
 * @param index 0 or more
 * @param width 1 to 256; 256 is a full bundle
 */
public record BundleId(long index, int width) implements TilePath {
    public BundleId {
        if (index < 0) {
            throw new IllegalArgumentException("bundle index must not be negative, got " + index);
        }
        if (width < 1 || width > FULL_WIDTH) {
            throw new IllegalArgumentException("bundle width must be 1 to 256, got " + width);
        }
    }

    /** The bundle holding entry {@code entryIndex} in a tree of {@code treeSize} leaves. */
    public static BundleId ofEntry(long entryIndex, long treeSize) {
        if (entryIndex < 0 || entryIndex >= treeSize) {
            throw new IllegalArgumentException("entry " + entryIndex + " is not in a tree of size " + treeSize);
        }
        long index = entryIndex / FULL_WIDTH;
        return new BundleId(index, (int) Math.min(FULL_WIDTH, treeSize - index * FULL_WIDTH));
    }

    /** Every bundle of a tree of {@code treeSize} entries: full ones, then at most one partial. */
    public static List<BundleId> bundlesOf(long treeSize) {
        TileId.checkSize(treeSize);
        List<BundleId> bundles = new ArrayList<>();
        for (long i = 0; i < treeSize / FULL_WIDTH; i++) {
            bundles.add(new BundleId(i, FULL_WIDTH));
        }
        if (treeSize % FULL_WIDTH != 0) {
            bundles.add(new BundleId(treeSize / FULL_WIDTH, (int) (treeSize % FULL_WIDTH)));
        }
        return bundles;
    }

    /** Parses an entry bundle path; rejects hash tile paths and every non-canonical spelling. */
    public static BundleId parse(String path) {
        if (TilePathCodec.parse(path) instanceof BundleId id) {
            return id;
        }
        throw TilePathCodec.bad(path, "is a hash tile, not an entry bundle");
    }

    /** The level 0 hash tile holding this bundle's leaf hashes. */
    public TileId tile() {
        return new TileId(0, index, width);
    }

    /** The index of the bundle's first entry in the log. */
    public long firstEntry() {
        return index * FULL_WIDTH;
    }

    @Override
    public String path() {
        return TilePathCodec.format("entries", index, width);
    }
}
