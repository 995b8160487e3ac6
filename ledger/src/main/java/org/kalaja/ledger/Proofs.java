package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/**
 * Produces RFC 9162 (section 2.1.3, 2.1.4; identical to RFC 6962 section 2.1.1, 2.1.2) inclusion and
 * consistency proofs from hash tiles. Check them with {@link ProofVerifier}.
 *
 * <p>Every hash of a proof is the root of a subtree of the tree, which is a sequence of perfect
 * subtrees; each of those is read from a tile or recomputed from the tile below it. The
 * {@link TileReader} MUST serve the tiles of a tree of {@code treeSize} (or {@code newSize})
 * leaves; each tile is read at most once per proof.
 */
public final class Proofs {
    private Proofs() {}

    /**
     * The audit path of leaf {@code index} in the tree of {@code treeSize} leaves, from the leaf's
     * sibling up to the root's child: PATH(index, D[0:treeSize]).
     *
     * @throws IllegalArgumentException unless {@code 0 <= index < treeSize}
     */
    public static List<Hash> inclusionProof(long index, long treeSize, TileReader tiles) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + treeSize);
        }
        TileTree tree = new TileTree(treeSize, tiles);
        List<Hash> proof = new ArrayList<>();
        path(tree, index, 0, treeSize, proof);
        return List.copyOf(proof);
    }

    private static void path(TileTree tree, long m, long lo, long hi, List<Hash> proof) {
        if (hi - lo == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(hi - lo);
        if (m < lo + k) {
            path(tree, m, lo, lo + k, proof);
            proof.add(tree.rangeHash(lo + k, hi));
        } else {
            path(tree, m, lo + k, hi, proof);
            proof.add(tree.rangeHash(lo, lo + k));
        }
    }

    /**
     * The consistency proof between the trees of {@code oldSize} and {@code newSize} leaves:
     * PROOF(oldSize, D[0:newSize]). Empty when {@code oldSize} is 0 or equals {@code newSize}, as
     * C2SP tlog-witness requires: the empty tree is consistent with every tree.
     *
     * @throws IllegalArgumentException unless {@code 0 <= oldSize <= newSize}
     */
    public static List<Hash> consistencyProof(long oldSize, long newSize, TileReader tiles) {
        if (oldSize < 0 || oldSize > newSize) {
            throw new IllegalArgumentException(
                    "no consistency proof from size " + oldSize + " to size " + newSize);
        }
        if (oldSize == 0 || oldSize == newSize) {
            return List.of();
        }
        TileTree tree = new TileTree(newSize, tiles);
        List<Hash> proof = new ArrayList<>();
        subproof(tree, oldSize, 0, newSize, true, proof);
        return List.copyOf(proof);
    }

    /** SUBPROOF(m - lo, D[lo:hi], b) of RFC 9162, with {@code m} an absolute leaf count. */
    private static void subproof(TileTree tree, long m, long lo, long hi, boolean whole, List<Hash> proof) {
        if (m == hi) {
            if (!whole) {
                proof.add(tree.rangeHash(lo, hi));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(hi - lo);
        if (m - lo <= k) {
            subproof(tree, m, lo, lo + k, whole, proof);
            proof.add(tree.rangeHash(lo + k, hi));
        } else {
            subproof(tree, m, lo + k, hi, false, proof);
            proof.add(tree.rangeHash(lo, lo + k));
        }
    }

    /** The leaf hash at {@code index}, read from the level 0 tile of a tree of {@code treeSize}. */
    public static Hash leafHash(long index, long treeSize, TileReader tiles) {
        if (index < 0 || index >= treeSize) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of size " + treeSize);
        }
        return new TileTree(treeSize, tiles).perfectHash(0, index);
    }

    /** The largest power of two strictly below {@code n}, for {@code n >= 2}. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }
}
