package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Grows a tiled RFC 6962 tree: computes the new root and the changed hash tiles when leaves are
 * appended.
 *
 * <p>{@link #append} hashes each new leaf into its level 0 tile, hashes each tile that becomes full
 * into the level above, and so on up; it reads only the old tree's right edge (its partial tiles,
 * at most one per level). Work is proportional to the number of new leaves plus a few tiles.
 */
public final class TreeBuilder {
    /** The most leaves one call accepts: their hashes must fit in one array. */
    public static final int MAX_APPEND = Integer.MAX_VALUE / Hash.SIZE;

    private TreeBuilder() {}

    /**
     * Appends {@code newLeaves} (leaf hashes, see {@link Merkle#leafHash}) to the tree of
     * {@code oldSize} leaves whose tiles {@code existing} reads.
     *
     * @return the new size and root, and every tile that is new or wider; unchanged tiles are not
     *     returned. With no new leaves, the old tree and no tiles.
     * @throws IllegalArgumentException if {@code oldSize} is negative, more than
     *     {@link #MAX_APPEND} leaves are given, or the new size overflows
     * @throws IllegalStateException if {@code existing} breaks the {@link TileReader} contract
     */
    public static TreeUpdate append(long oldSize, TileReader existing, List<Hash> newLeaves) {
        TileId.checkSize(oldSize);
        if (newLeaves.size() > MAX_APPEND) {
            throw new IllegalArgumentException("at most " + MAX_APPEND + " leaves per append, got " + newLeaves.size());
        }
        if (oldSize > Long.MAX_VALUE - newLeaves.size()) {
            throw new IllegalArgumentException("tree size overflows: " + oldSize + " + " + newLeaves.size());
        }
        long newSize = oldSize + newLeaves.size();
        if (newLeaves.isEmpty()) {
            return new TreeUpdate(oldSize, root(oldSize, existing), List.of());
        }
        byte[] incoming = new byte[newLeaves.size() * Hash.SIZE];
        for (int i = 0; i < newLeaves.size(); i++) {
            newLeaves.get(i).copyTo(incoming, i * Hash.SIZE);
        }
        List<Tile> changed = new ArrayList<>();
        long oldCount = oldSize;
        long newCount = newSize;
        for (int level = 0; newCount > oldCount; level++) {
            incoming = appendLevel(level, oldCount, newCount, incoming, existing, changed);
            oldCount /= TilePath.FULL_WIDTH;
            newCount /= TilePath.FULL_WIDTH;
        }
        Map<TileKey, byte[]> fresh = new HashMap<>();
        for (Tile t : changed) {
            fresh.put(new TileKey(t.id().level(), t.id().index()), t.hashes());
        }
        TileReader overlay = (l, i, w) -> {
            byte[] hashes = fresh.get(new TileKey(l, i));
            return hashes != null ? hashes : existing.tile(l, i, w);
        };
        return new TreeUpdate(newSize, root(newSize, overlay), changed);
    }

    /**
     * Adds the hashes {@code incoming} (indices {@code oldCount} to {@code newCount - 1} of tile level
     * {@code level}) to their tiles, appending each changed tile to {@code changed}.
     *
     * @return the hashes the next level gains: the roots of the tiles that became full, in order
     */
    private static byte[] appendLevel(int level, long oldCount, long newCount, byte[] incoming,
                                      TileReader existing, List<Tile> changed) {
        long firstTile = oldCount / TilePath.FULL_WIDTH;
        long lastTile = (newCount - 1) / TilePath.FULL_WIDTH;
        int becameFull = (int) (newCount / TilePath.FULL_WIDTH - firstTile);
        byte[] next = new byte[becameFull * Hash.SIZE];
        int consumed = 0;
        int produced = 0;
        for (long t = firstTile; t <= lastTile; t++) {
            long start = t * TilePath.FULL_WIDTH;
            int oldWidth = t == firstTile ? (int) (oldCount - start) : 0;
            int newWidth = (int) Math.min(TilePath.FULL_WIDTH, newCount - start);
            byte[] content = new byte[newWidth * Hash.SIZE];
            if (oldWidth > 0) {
                byte[] old = existing.read(new TileId(level, t, oldWidth));
                System.arraycopy(old, 0, content, 0, oldWidth * Hash.SIZE);
            }
            int adding = (newWidth - oldWidth) * Hash.SIZE;
            System.arraycopy(incoming, consumed, content, oldWidth * Hash.SIZE, adding);
            consumed += adding;
            changed.add(new Tile(new TileId(level, t, newWidth), content));
            if (newWidth == TilePath.FULL_WIDTH) {
                // Tile copied its input, so content is free to be reduced in place.
                Merkle.reducePerfect(content, 0, TilePath.FULL_WIDTH);
                System.arraycopy(content, 0, next, produced, Hash.SIZE);
                produced += Hash.SIZE;
            }
        }
        return next;
    }

    /**
     * The root hash of the tree of {@code size} leaves whose tiles {@code tiles} reads; reads only
     * its partial tiles (one per level at most). The root of the empty tree is
     * {@link Merkle#emptyRoot()}.
     */
    public static Hash root(long size, TileReader tiles) {
        return new TileTree(size, tiles).root();
    }

    private record TileKey(int level, long index) {}
}
