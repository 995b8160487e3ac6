package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * RFC 6962 hashing against published vectors: the 8-leaf tree of certificate-transparency's C++
 * and Go implementations (quoted from transparency-dev/merkle, testonly/constants.go).
 */
class MerkleTest {
    private static final String[] LEAF_INPUTS = {
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    };
    private static final String[] LEAF_HASHES = {
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    };
    /** Root of the tree of the first i leaf inputs, i = 0..8. */
    private static final String[] ROOTS = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    };

    static List<Hash> referenceLeaves() {
        List<Hash> leaves = new ArrayList<>();
        for (String input : LEAF_INPUTS) {
            leaves.add(Merkle.leafHash(HexFormat.of().parseHex(input)));
        }
        return leaves;
    }

    @Test
    void emptyRootIsSha256OfNothingNotTheHashOfAnEmptyLeaf() {
        assertThat(Merkle.emptyRoot().hex()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(Merkle.leafHash(new byte[0]).hex())
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }

    @Test
    void leafHashPrefixesZeroByte() {
        assertThat(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)).hex())
                .isEqualTo("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
    }

    @Test
    void leafHashOfASliceEqualsLeafHashOfTheCopy() {
        byte[] buf = "xxL123456yy".getBytes(StandardCharsets.US_ASCII);
        assertThat(Merkle.leafHash(buf, 2, 7)).isEqualTo(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void leafHashOverThePrefixByteEqualsLeafHashOfTheEntry() {
        byte[] bundle = "\0\u0007L123456\0\u0002yy".getBytes(StandardCharsets.US_ASCII); // two length-prefixed entries
        byte[] out = new byte[72];
        Merkle.leafHashOverPrefix(bundle, 1, 7, out, 4);
        Merkle.leafHashOverPrefix(bundle, 10, 2, out, 36);
        assertThat(Hash.wrap(java.util.Arrays.copyOfRange(out, 4, 36))).isEqualTo(Merkle.leafHash("L123456".getBytes(StandardCharsets.US_ASCII)));
        assertThat(Hash.wrap(java.util.Arrays.copyOfRange(out, 36, 68))).isEqualTo(Merkle.leafHash("yy".getBytes(StandardCharsets.US_ASCII)));
        assertThat(out).startsWith(0, 0, 0, 0).endsWith(0, 0, 0, 0);
        assertThat(bundle).as("only the byte before each entry is overwritten").startsWith(0, 0, 'L').contains('y');
    }

    @Test
    void nodeHashIsOrderSensitiveAndDiffersFromLeafOfConcatenation() {
        Hash a = Merkle.leafHash("Hello".getBytes(StandardCharsets.US_ASCII));
        Hash b = Merkle.leafHash("World".getBytes(StandardCharsets.US_ASCII));
        byte[] concat = new byte[64];
        a.copyTo(concat, 0);
        b.copyTo(concat, 32);
        assertThat(Merkle.nodeHash(a, b)).isNotEqualTo(Merkle.nodeHash(b, a)).isNotEqualTo(Merkle.leafHash(concat));
        byte[] prefixed = new byte[65];
        prefixed[0] = 1;
        System.arraycopy(concat, 0, prefixed, 1, 64);
        assertThat(Merkle.nodeHash(a, b)).isEqualTo(Hash.sha256(prefixed));
    }

    @Test
    void referenceLeafHashesMatch() {
        List<Hash> leaves = referenceLeaves();
        for (int i = 0; i < LEAF_HASHES.length; i++) {
            assertThat(leaves.get(i).hex()).as("leaf %d", i).isEqualTo(LEAF_HASHES[i]);
        }
    }

    @Test
    void referenceRootsMatchForEveryPrefixOfTheEightLeaves() {
        List<Hash> leaves = referenceLeaves();
        for (int size = 0; size <= 8; size++) {
            assertThat(TreeBuilder.root(size, MemoryTiles.of(leaves.subList(0, size))).hex())
                    .as("root of size %d", size).isEqualTo(ROOTS[size]);
            assertThat(NaiveMerkle.root(leaves.subList(0, size)).hex()).isEqualTo(ROOTS[size]);
        }
    }

    @Test
    void perfectRootOfASliceIsTheRootOfThoseLeavesAndLeavesTheSliceAlone() {
        List<Hash> leaves = referenceLeaves();
        byte[] packed = new byte[(1 + 8) * Hash.SIZE];
        for (int i = 0; i < 8; i++) leaves.get(i).copyTo(packed, (1 + i) * Hash.SIZE);
        byte[] before = packed.clone();

        assertThat(Merkle.perfectRoot(packed, Hash.SIZE, 8).hex()).isEqualTo(ROOTS[8]);
        assertThat(Merkle.perfectRoot(packed, Hash.SIZE, 4).hex()).isEqualTo(ROOTS[4]);
        assertThat(packed).isEqualTo(before);
        assertThatThrownBy(() -> Merkle.perfectRoot(packed, 0, 6)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void referenceRootsMatchWhenTheTreeGrowsOneLeafAtATime() {
        List<Hash> leaves = referenceLeaves();
        MemoryTiles tiles = new MemoryTiles(false);
        for (int size = 1; size <= 8; size++) {
            assertThat(tiles.append(leaves.subList(size - 1, size)).root().hex()).isEqualTo(ROOTS[size]);
        }
    }

    @Test
    void leafHashIsThreadSafe() throws Exception {
        List<Hash> expected = NaiveMerkle.leaves(0, 2000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Hash>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> NaiveMerkle.leaves(0, 2000)));
            }
            for (Future<List<Hash>> f : results) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
