package org.kalaja.ledger;

import java.util.ArrayList;
import java.util.List;

/** RFC 6962 section 2.1 written out recursively, as a reference for the tlog-proof tests. */
final class SimpleMerkle {
    private SimpleMerkle() {}

    static Hash root(List<Hash> leaves) {
        if (leaves.size() == 1) {
            return leaves.get(0);
        }
        int k = split(leaves.size());
        return Merkle.nodeHash(root(leaves.subList(0, k)), root(leaves.subList(k, leaves.size())));
    }

    /** PATH(m, D[n]) from RFC 6962 section 2.1.1. */
    static List<Hash> inclusionProof(List<Hash> leaves, int m) {
        List<Hash> path = new ArrayList<>();
        if (leaves.size() <= 1) {
            return path;
        }
        int k = split(leaves.size());
        if (m < k) {
            path.addAll(inclusionProof(leaves.subList(0, k), m));
            path.add(root(leaves.subList(k, leaves.size())));
        } else {
            path.addAll(inclusionProof(leaves.subList(k, leaves.size()), m - k));
            path.add(root(leaves.subList(0, k)));
        }
        return path;
    }

    /** The largest power of two smaller than n. */
    private static int split(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
