package org.kalaja.engine.recovery;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.kalaja.engine.VerificationException;
import org.kalaja.engine.vault.Vault;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * The partial tiles and bundles that earlier checkpoints left in a vault: each MUST be a prefix of
 * what the target tree holds at the same index, or someone changed it. Runs beside the bundle
 * workers, because finding the partials can take a good part of a second (an S3 vault lists every
 * tile to find them): the level 0 tiles and bundles it compares with are the target tree's own,
 * which the workers authenticate against the checkpoint (a tile or bundle that fails there fails
 * the audit anyway).
 */
final class EarlierPartials {
    private final Vault vault;
    private final VaultTree tree;
    private final long size;

    EarlierPartials(Vault vault, VaultTree tree, long size) {
        this.vault = vault;
        this.tree = tree;
        this.size = size;
    }

    /** Lists the vault's partials and checks every one of an earlier tree within the target. */
    void check() throws VerificationException {
        // The target's own partials are the workers' and VaultTree's to check.
        Set<TilePath> ofTarget = new HashSet<>();
        TileId.tilesOf(size).stream().filter(t -> t.width() < TilePath.FULL_WIDTH).forEach(ofTarget::add);
        if (size % TilePath.FULL_WIDTH != 0) ofTarget.add(BundleId.ofEntry(size - 1, size));
        // Level 0 tiles and bundles by index, so that each of the target's is read once.
        Map<Long, List<TilePath>> lowest = new TreeMap<>();
        for (String p : vault.listPartials()) {
            TilePath partial = TilePath.parse(p);
            if (ofTarget.contains(partial)) continue;
            switch (partial) {
                case TileId t when t.level() > 0 -> checkUpper(t);
                case TileId t -> lowest.computeIfAbsent(t.index(), k -> new ArrayList<>()).add(t);
                case BundleId b -> lowest.computeIfAbsent(b.index(), k -> new ArrayList<>()).add(b);
            }
        }
        for (var at : lowest.entrySet()) checkLowest(at.getKey(), at.getValue());
    }

    private void checkUpper(TileId t) throws VerificationException {
        long hashes = size >>> (8 * t.level());
        if (t.index() * TilePath.FULL_WIDTH + t.width() > hashes) return; // of a tree beyond the target
        byte[] truth = tree.upper(t.level(), t.index());
        int h = VaultTree.firstDifference(held(t.path()), Arrays.copyOf(truth, t.width() * Hash.SIZE));
        if (h >= 0) {
            throw new VerificationException("vault tile " + t.path() + " of an earlier checkpoint differs at hash " + h
                    + " from " + TileId.inTree(t.level(), t.index(), size).path() + ", which the checkpoint commits to: " + t.path()
                    + " was changed");
        }
    }

    private void checkLowest(long index, List<TilePath> partials) throws VerificationException {
        if (index * TilePath.FULL_WIDTH >= size) return; // of a tree beyond the target (a round cut off by a dying primary)
        BundleId target = BundleId.ofEntry(index * TilePath.FULL_WIDTH, size);
        byte[] bundle = null;
        byte[] tile = null;
        for (TilePath p : partials) {
            int width = p instanceof BundleId b ? b.width() : ((TileId) p).width();
            if (width >= target.width()) continue; // of a tree beyond the target
            byte[] expected;
            String of;
            if (p instanceof BundleId) {
                if (bundle == null) bundle = held(target.path());
                expected = Arrays.copyOf(bundle, prefixLength(bundle, width));
                of = target.path();
            } else {
                if (tile == null) tile = held(target.tile().path());
                expected = Arrays.copyOf(tile, width * Hash.SIZE);
                of = target.tile().path();
            }
            if (!Arrays.equals(held(p.path()), expected)) {
                throw new VerificationException("vault " + (p instanceof BundleId ? "bundle " : "tile ") + p.path() + " of an earlier"
                        + " checkpoint is not a prefix of " + of + ", which the checkpoint commits to: " + p.path() + " was changed");
            }
        }
    }

    /** The bytes of the first {@code entries} entries of a bundle (the whole bundle if it holds fewer: the workers judge that). */
    private static int prefixLength(byte[] bundle, int entries) {
        int p = 0;
        for (int i = 0; i < entries && p + 2 <= bundle.length; i++) p += 2 + (((bundle[p] & 0xFF) << 8) | (bundle[p + 1] & 0xFF));
        return Math.min(p, bundle.length);
    }

    private byte[] held(String path) throws VerificationException {
        return vault.get(path).orElseThrow(() -> new VerificationException("vault " + path + " is missing from " + vault.describe()));
    }
}
