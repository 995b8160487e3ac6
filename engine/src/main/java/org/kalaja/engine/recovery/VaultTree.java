package org.kalaja.engine.recovery;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TileReader;
import org.kalaja.ledger.TilePath;
import org.kalaja.ledger.TreeBuilder;

/**
 * The vault's hash tiles of the target tree above the entries, authenticated top-down before any
 * entry is read: the right edge (the partial tiles) against the checkpoint's root, then every full
 * tile of level 1 and up against its hash in the tile above. After {@link #load}, {@link #parentHash}
 * is a hash the checkpoint commits to, so each entry bundle can be authenticated on its own as it
 * streams by, before anything is written. Level 0 holds one tile per 256 entries; everything here is
 * about 1/256 of that and stays in memory.
 */
final class VaultTree {
    private final long size;
    /** Level ≥ 1 tiles of the target tree, and its level 0 partial tile, by {@link #key}. */
    private final Map<Long, byte[]> tiles;

    private VaultTree(long size, Map<Long, byte[]> tiles) {
        this.size = size;
        this.tiles = tiles;
    }

    static VaultTree load(Vault vault, Checkpoint target) throws VerificationException {
        long size = target.size();
        Map<Long, byte[]> tiles = new HashMap<>();
        List<TileId> all = TileId.tilesOf(size);
        for (TileId id : all) {
            if (id.level() == 0 && id.width() == TilePath.FULL_WIDTH) continue;
            tiles.put(key(id.level(), id.index()), fetch(vault, id, size));
        }
        VaultTree tree = new VaultTree(size, tiles);
        Hash root = TreeBuilder.root(size, tree.reader());
        if (!root.equals(target.rootHash())) {
            throw new VerificationException("the vault's tiles on the right edge of the tree of " + size + " entries ("
                    + TileId.partialTilesOf(size).stream().map(TileId::path).toList() + " and the full tiles above them) give root "
                    + root + " but the checkpoint says " + target.rootHash() + ": one of those tiles was changed");
        }
        for (int i = all.size() - 1; i >= 0; i--) {
            TileId id = all.get(i);
            if (id.level() == 0 || id.width() != TilePath.FULL_WIDTH) continue;
            Hash found = subtreeRoot(tiles.get(key(id.level(), id.index())));
            Hash expected = tree.parentHash(id.level(), id.index());
            if (!found.equals(expected)) {
                throw new VerificationException("vault tile " + id.path() + " hashes to " + found + " but "
                        + parentPath(id.level(), id.index(), size) + " hash " + (id.index() % TilePath.FULL_WIDTH)
                        + ", which the checkpoint commits to, is " + expected + ": tile " + id.path() + " was changed");
            }
        }
        return tree;
    }

    private static byte[] fetch(Vault vault, TileId id, long size) throws VerificationException {
        byte[] hashes = vault.get(id.path()).orElseThrow(() -> new VerificationException("vault tile " + id.path()
                + " is missing from " + vault.describe() + " (the tree of checkpoint " + size + " needs it)"));
        if (hashes.length != id.width() * Hash.SIZE) {
            throw new VerificationException("vault tile " + id.path() + " is " + hashes.length + " bytes, not "
                    + id.width() * Hash.SIZE + " (" + id.width() + " hashes): it was truncated or changed");
        }
        return hashes;
    }

    /**
     * The hash that tile {@code level}/{@code index} (full) of the target tree must reduce to: its
     * entry in the authenticated tile one level up.
     */
    Hash parentHash(int level, long index) {
        byte[] parent = tiles.get(key(level + 1, index / TilePath.FULL_WIDTH));
        return Hash.of(parent, (int) (index % TilePath.FULL_WIDTH) * Hash.SIZE);
    }

    static String parentPath(int level, long index, long size) {
        return TileId.inTree(level + 1, index / TilePath.FULL_WIDTH, size).path();
    }

    /** The authenticated level 0 partial tile of the target tree, or null when its size is a multiple of 256. */
    byte[] partialLeaves() {
        return size % TilePath.FULL_WIDTH == 0 ? null : tiles.get(key(0, size / TilePath.FULL_WIDTH));
    }

    /** The hashes of tile {@code level}/{@code index} (level ≥ 1) as the target tree has them. */
    byte[] upper(int level, long index) {
        return tiles.get(key(level, index));
    }

    /** Reads the target tree's level ≥ 1 tiles, and level 0 tiles from {@code leaves}. */
    TileReader reader() {
        return (level, index, width) -> {
            byte[] t = tiles.get(key(level, index));
            if (t == null) throw new IllegalStateException("tile " + level + "/" + index + " is not on the right edge");
            return t;
        };
    }

    /** The Merkle root of a full tile's 256 hashes: the perfect subtree they span. */
    static Hash subtreeRoot(byte[] fullTile) {
        return Merkle.perfectRoot(fullTile, 0, TilePath.FULL_WIDTH);
    }

    /** The index of the first hash where two tiles differ, or -1. */
    static int firstDifference(byte[] a, byte[] b) {
        return firstDifference(a, a.length, b);
    }

    /**
     * The index of the first hash where the tile {@code a[0, aLength)} differs from {@code b}, or -1;
     * where one is a prefix of the other, the first hash the shorter one lacks.
     */
    static int firstDifference(byte[] a, int aLength, byte[] b) {
        int at = Arrays.mismatch(a, 0, aLength, b, 0, b.length);
        return at < 0 ? -1 : at / Hash.SIZE;
    }

    static long key(int level, long index) {
        return ((long) level << 56) | index;
    }
}
