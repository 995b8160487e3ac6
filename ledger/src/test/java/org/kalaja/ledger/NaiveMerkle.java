package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/** RFC 9162 section 2.1 written as literally as possible, over a list of leaf hashes: the oracle. */
final class NaiveMerkle {
    private NaiveMerkle() {}

    /** MTH(D[lo:hi]). */
    static Hash mth(List<Hash> leaves, int lo, int hi) {
        int n = hi - lo;
        if (n == 0) {
            return Merkle.emptyRoot();
        }
        if (n == 1) {
            return leaves.get(lo);
        }
        int k = Integer.highestOneBit(n - 1);
        return Merkle.nodeHash(mth(leaves, lo, lo + k), mth(leaves, lo + k, hi));
    }

    static Hash root(List<Hash> leaves) {
        return mth(leaves, 0, leaves.size());
    }

    /** PATH(m, D[lo:hi]). */
    static List<Hash> path(List<Hash> leaves, int m, int lo, int hi) {
        int n = hi - lo;
        if (n == 1) {
            return new ArrayList<>();
        }
        int k = Integer.highestOneBit(n - 1);
        List<Hash> out;
        if (m < k) {
            out = path(leaves, m, lo, lo + k);
            out.add(mth(leaves, lo + k, hi));
        } else {
            out = path(leaves, m - k, lo + k, hi);
            out.add(mth(leaves, lo, lo + k));
        }
        return out;
    }

    /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
    static List<Hash> proof(List<Hash> leaves, int m, int n) {
        return subproof(leaves, m, 0, n, true);
    }

    private static List<Hash> subproof(List<Hash> leaves, int m, int lo, int hi, boolean b) {
        int n = hi - lo;
        if (m == n) {
            List<Hash> out = new ArrayList<>();
            if (!b) {
                out.add(mth(leaves, lo, hi));
            }
            return out;
        }
        int k = Integer.highestOneBit(n - 1);
        List<Hash> out;
        if (m <= k) {
            out = subproof(leaves, m, lo, lo + k, b);
            out.add(mth(leaves, lo + k, hi));
        } else {
            out = subproof(leaves, m - k, lo + k, hi, false);
            out.add(mth(leaves, lo, lo + k));
        }
        return out;
    }

    /** Leaf hashes of the entries "0", "1", ...: cheap, distinct, reproducible. */
    static List<Hash> leaves(int from, int to) {
        List<Hash> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(Merkle.leafHash(Integer.toString(i).getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        return out;
    }
}
