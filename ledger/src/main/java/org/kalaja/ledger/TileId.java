package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * A C2SP hash tile: {@code tile/<level>/<index>[.p/<width>]}.
 *
 * <p>Hash {@code i} of tile {@code index} at {@code level} is the Merkle tree hash of the perfect
 * subtree of {@code 256^level} leaves starting at leaf {@code (index * 256 + i) * 256^level}: at
 * level 0 the leaf hashes, above that the root of a full tile one level down. A tile of width
 * {@code w < 256} holds the first {@code w} of those hashes; since hashes never change once written,
 * a narrower tile is always a prefix of a wider tile with the same level and index.
 *
 * @param level 0 to 63
 * @param index 0 or more
 * @param width 1 to 256; 256 is a full tile
 */
public record TileId(int level, long index, int width) implements TilePath {
    /** The highest level a C2SP path may name. */
    public static final int MAX_LEVEL = 63;

    public TileId {
        if (level < 0 || level > MAX_LEVEL) {
            throw new IllegalArgumentException("tile level must be 0 to 63, got " + level);
        }
        if (index < 0) {
            throw new IllegalArgumentException("tile index must not be negative, got " + index);
        }
        if (width < 1 || width > FULL_WIDTH) {
            throw new IllegalArgumentException("tile width must be 1 to 256, got " + width);
        }
    }

    /** The full tile at {@code level}, {@code index}. */
    public static TileId full(int level, long index) {
        return new TileId(level, index, FULL_WIDTH);
    }

    /**
     * The tile at {@code level}, {@code index} as it is in a tree of {@code treeSize} leaves: full, or
     * partial if it is the rightmost tile of its level.
     *
     * @throws IllegalArgumentException if that tree has no such tile (it would be empty)
     */
    public static TileId inTree(int level, long index, long treeSize) {
        long available = hashesAtLevel(level, treeSize) - index * FULL_WIDTH;
        if (index < 0 || index > Long.MAX_VALUE / FULL_WIDTH || available <= 0) {
            throw new IllegalArgumentException(
                    "a tree of size " + treeSize + " has no tile " + index + " at level " + level);
        }
        return new TileId(level, index, (int) Math.min(FULL_WIDTH, available));
    }

    /** Parses a hash tile path; rejects entry bundle paths and every non-canonical spelling. */
    public static TileId parse(String path) {
        if (TilePathCodec.parse(path) instanceof TileId id) {
            return id;
        }
        throw TilePathCodec.bad(path, "is an entry bundle, not a hash tile");
    }

    @Override
    public String path() {
        return TilePathCodec.format(Integer.toString(level), index, width);
    }

    /**
     * Every tile of a tree of {@code treeSize} leaves, level by level from 0, left to right: all its
     * full tiles and, per level, at most one partial tile. A tree of 70,000 leaves has 273 full and
     * one partial (width 112) tiles at level 0, one full and one partial (17) at level 1, one partial
     * (1) at level 2.
     */
    public static List<TileId> tilesOf(long treeSize) {
        checkSize(treeSize);
        List<TileId> tiles = new ArrayList<>();
        for (int level = 0; hashesAtLevel(level, treeSize) > 0; level++) {
            long hashes = hashesAtLevel(level, treeSize);
            for (long i = 0; i < hashes / FULL_WIDTH; i++) {
                tiles.add(full(level, i));
            }
            if (hashes % FULL_WIDTH != 0) {
                tiles.add(new TileId(level, hashes / FULL_WIDTH, (int) (hashes % FULL_WIDTH)));
            }
        }
        return tiles;
    }

    /** The partial tiles of a tree of {@code treeSize} leaves, lowest level first: its right edge. */
    public static List<TileId> partialTilesOf(long treeSize) {
        checkSize(treeSize);
        List<TileId> tiles = new ArrayList<>();
        for (int level = 0; hashesAtLevel(level, treeSize) > 0; level++) {
            long hashes = hashesAtLevel(level, treeSize);
            if (hashes % FULL_WIDTH != 0) {
                tiles.add(new TileId(level, hashes / FULL_WIDTH, (int) (hashes % FULL_WIDTH)));
            }
        }
        return tiles;
    }

    /** How many hashes tiles at {@code level} hold in a tree of {@code treeSize} leaves. */
    static long hashesAtLevel(int level, long treeSize) {
        int shift = HEIGHT * level;
        return shift >= Long.SIZE ? 0 : treeSize >>> shift;
    }

    static void checkSize(long treeSize) {
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree size must not be negative, got " + treeSize);
        }
    }
}
