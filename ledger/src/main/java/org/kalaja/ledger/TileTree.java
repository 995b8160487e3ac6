package org.kalaja.ledger;

import java.util.HashMap;
import java.util.Map;

/**
 * Merkle tree hashes of one tree size, computed from its hash tiles.
 *
 * <p>A node at level {@code l} (leaves at 0) is read from the tiles at tile level {@code l / 8} when
 * {@code l} is a multiple of 8, and otherwise recomputed from the {@code 2^(l % 8)} hashes below it
 * in that same tile. Each tile is read at most once per instance. Not thread-safe.
 */
final class TileTree {
    private final long size;
    private final TileReader reader;
    private final Map<TileId, byte[]> cache = new HashMap<>();

    TileTree(long size, TileReader reader) {
        TileId.checkSize(size);
        this.size = size;
        this.reader = reader;
    }

    /** The root hash of the tree: MTH(D[0:size]). */
    Hash root() {
        return size == 0 ? Merkle.emptyRoot() : rangeHash(0, size);
    }

    /**
     * MTH(D[lo:hi]) for a range the RFC 6962 recursion produces: {@code lo} a multiple of a power of
     * two that is at least {@code hi - lo}. Such a range is a sequence of perfect subtrees, one per set
     * bit of {@code hi - lo}, largest first, hashed together from the right.
     */
    Hash rangeHash(long lo, long hi) {
        if (lo < 0 || hi <= lo || hi > size) {
            throw new IllegalArgumentException("no range [" + lo + ", " + hi + ") in a tree of size " + size);
        }
        long width = hi - lo;
        if (Long.numberOfTrailingZeros(lo) < 63 - Long.numberOfLeadingZeros(width)) {
            throw new IllegalArgumentException("range [" + lo + ", " + hi + ") is not a subtree of the tree");
        }
        Hash acc = null;
        long end = hi;
        for (int level = 0; level < 63; level++) {
            if ((width & (1L << level)) != 0) {
                long start = end - (1L << level);
                Hash h = perfectHash(level, start >>> level);
                acc = acc == null ? h : Merkle.nodeHash(h, acc);
                end = start;
            }
        }
        return acc;
    }

    /** The hash of the perfect subtree of {@code 2^level} leaves starting at leaf {@code index << level}. */
    Hash perfectHash(int level, long index) {
        int tileLevel = level / TilePath.HEIGHT;
        int depth = level % TilePath.HEIGHT;
        long first = index << depth;
        long tileIndex = first / TilePath.FULL_WIDTH;
        int offset = (int) (first % TilePath.FULL_WIDTH);
        int count = 1 << depth;
        byte[] tile = tile(TileId.inTree(tileLevel, tileIndex, size));
        if ((offset + count) * Hash.SIZE > tile.length
                || offset + count > TileId.hashesAtLevel(tileLevel, size) - tileIndex * TilePath.FULL_WIDTH) {
            throw new IllegalArgumentException(
                    "node " + index + " at level " + level + " is not complete in a tree of size " + size);
        }
        if (count == 1) {
            return Hash.of(tile, offset * Hash.SIZE);
        }
        byte[] work = new byte[count * Hash.SIZE];
        System.arraycopy(tile, offset * Hash.SIZE, work, 0, work.length);
        Merkle.reducePerfect(work, 0, count);
        return Hash.of(work, 0);
    }

    private byte[] tile(TileId id) {
        byte[] cached = cache.get(id);
        if (cached == null) {
            cached = reader.read(id);
            cache.put(id, cached);
        }
        return cached;
    }
}
