package org.kalaja.ledger;

import java.util.List;

/**
 * Verifies RFC 9162 inclusion (section 2.1.3.2) and consistency (section 2.1.4.2) proofs. Needs
 * nothing but the proof and trusted roots, so third parties can use it alone.
 *
 * <p>A proof MUST have exactly the length its index and sizes imply; a proof with extra or missing
 * hashes is rejected before any hashing. Consistency follows C2SP tlog-witness at the edges: from
 * size 0 the proof MUST be empty and the old root MUST be the empty tree's; between equal sizes the
 * proof MUST be empty and the roots equal. Roots are compared in constant time.
 */
public final class ProofVerifier {
    private ProofVerifier() {}

    /**
     * Checks that {@code leaf} is the leaf hash at {@code index} in the tree of {@code treeSize}
     * leaves whose root is {@code root}.
     *
     * @throws ProofException naming the index, size, expected and computed roots, if it is not
     */
    public static void verifyInclusion(Hash leaf, long index, long treeSize, List<Hash> proof, Hash root)
            throws ProofException {
        String what = "inclusion proof of leaf " + leaf + " at index " + index + " in tree of size " + treeSize;
        if (index < 0 || index >= treeSize) {
            throw new ProofException(what + " is impossible: the index is not below the size", proof, root, null);
        }
        int want = inclusionProofLength(index, treeSize);
        if (proof.size() != want) {
            throw new ProofException(what + " has " + proof.size() + " hashes, must have " + want, proof, root, null);
        }
        long fn = index;
        long sn = treeSize - 1;
        Hash r = leaf;
        for (Hash p : proof) {
            if ((fn & 1) == 1 || fn == sn) {
                r = Merkle.nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                r = Merkle.nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0 || !r.equals(root)) {
            throw new ProofException(what + " does not verify: expected root " + root + ", computed root " + r,
                    proof, root, r);
        }
    }

    /**
     * Checks that the tree of {@code newSize} leaves with root {@code newRoot} extends the tree of
     * {@code oldSize} leaves with root {@code oldRoot}.
     *
     * @throws ProofException naming the sizes, the expected and computed roots, if it does not
     */
    public static void verifyConsistency(long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> proof)
            throws ProofException {
        String what = "consistency proof from size " + oldSize + " (root " + oldRoot + ") to size " + newSize
                + " (root " + newRoot + ")";
        if (oldSize < 0 || oldSize > newSize) {
            throw new ProofException(what + " is impossible: sizes must satisfy 0 <= old <= new", proof, newRoot, null);
        }
        if (oldSize == 0 || oldSize == newSize) {
            if (!proof.isEmpty()) {
                throw new ProofException(what + " has " + proof.size() + " hashes, must be empty", proof, newRoot, null);
            }
            if (oldSize == 0 && !oldRoot.equals(Merkle.emptyRoot())) {
                throw new ProofException(what + " does not verify: expected old root " + Merkle.emptyRoot()
                        + " (the empty tree), given " + oldRoot, proof, Merkle.emptyRoot(), oldRoot);
            }
            if (oldSize == newSize && !oldRoot.equals(newRoot)) {
                throw new ProofException(what + " does not verify: equal sizes with different roots",
                        proof, newRoot, oldRoot);
            }
            return;
        }
        int want = consistencyProofLength(oldSize, newSize);
        if (proof.size() != want) {
            throw new ProofException(what + " has " + proof.size() + " hashes, must have " + want, proof, newRoot, null);
        }
        consistencyChain(oldSize, newSize, oldRoot, newRoot, proof, what);
    }

    private static void consistencyChain(long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> proof,
                                         String what) throws ProofException {
        boolean oldIsPerfect = Long.bitCount(oldSize) == 1;
        long fn = oldSize - 1;
        long sn = newSize - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        // A perfect old tree is itself a node of the new tree, so its root seeds the chain.
        Hash first = oldIsPerfect ? oldRoot : proof.get(0);
        Hash fr = first;
        Hash sr = first;
        for (int i = oldIsPerfect ? 0 : 1; i < proof.size(); i++) {
            Hash c = proof.get(i);
            if (sn == 0) {
                throw new ProofException(what + " is too long", proof, newRoot, null);
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = Merkle.nodeHash(c, fr);
                sr = Merkle.nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>>= 1;
                    sn >>>= 1;
                }
            } else {
                sr = Merkle.nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        if (sn != 0) {
            throw new ProofException(what + " is too short", proof, newRoot, null);
        }
        if (!fr.equals(oldRoot)) {
            throw new ProofException(what + " does not verify: expected old root " + oldRoot
                    + ", computed old root " + fr, proof, oldRoot, fr);
        }
        if (!sr.equals(newRoot)) {
            throw new ProofException(what + " does not verify: expected new root " + newRoot
                    + ", computed new root " + sr, proof, newRoot, sr);
        }
    }

    /** The length of PATH(index, D[0:size]): one hash per level below the root on the leaf's path. */
    static int inclusionProofLength(long index, long size) {
        int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
        return inner + Long.bitCount(index >>> inner);
    }

    /** The length of PROOF(oldSize, D[0:newSize]) for {@code 0 < oldSize < newSize}. */
    static int consistencyProofLength(long oldSize, long newSize) {
        int shift = Long.numberOfTrailingZeros(oldSize);
        int length = inclusionProofLength(oldSize - 1, newSize) - shift;
        return Long.bitCount(oldSize) == 1 ? length : length + 1;
    }
}
