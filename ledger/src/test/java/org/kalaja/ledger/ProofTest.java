package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProofTest {
    private static final int MAX = 3000;
    private static final List<Hash> LEAVES = NaiveMerkle.leaves(0, 2 * MAX + 2);
    /** One tree of every leaf; tiles are prefix-stable, so it serves every smaller tree too. */
    private static final MemoryTiles WIDEST = MemoryTiles.of(LEAVES);

    private static Hash root(int size) {
        return NaiveMerkle.root(LEAVES.subList(0, size));
    }

    @Test
    void everyInclusionProofUpToSize64MatchesRfc9162AndVerifies() throws ProofException {
        MemoryTiles exact = new MemoryTiles(false);
        exact.append(LEAVES.subList(0, 64));
        for (int size = 1; size <= 64; size++) {
            Hash root = root(size);
            for (int index = 0; index < size; index++) {
                List<Hash> proof = Proofs.inclusionProof(index, size, exact);
                assertThat(proof).as("PATH(%d, D[%d])", index, size).isEqualTo(NaiveMerkle.path(LEAVES, index, 0, size));
                ProofVerifier.verifyInclusion(LEAVES.get(index), index, size, proof, root);
            }
        }
    }

    @Test
    void everyConsistencyProofUpToSize64MatchesRfc9162AndVerifies() throws ProofException {
        MemoryTiles exact = new MemoryTiles(false);
        exact.append(LEAVES.subList(0, 64));
        for (int newSize = 1; newSize <= 64; newSize++) {
            Hash newRoot = root(newSize);
            for (int oldSize = 1; oldSize < newSize; oldSize++) {
                List<Hash> proof = Proofs.consistencyProof(oldSize, newSize, exact);
                assertThat(proof).as("PROOF(%d, D[%d])", oldSize, newSize)
                        .isEqualTo(NaiveMerkle.proof(LEAVES, oldSize, newSize));
                ProofVerifier.verifyConsistency(oldSize, newSize, root(oldSize), newRoot, proof);
            }
        }
    }

    @Property(tries = 300)
    void inclusionProofsFromTilesVerifyAndTamperedOnesDoNot(
            @ForAll @IntRange(min = 1, max = MAX) int size, @ForAll @IntRange(max = MAX - 1) int index,
            @ForAll @IntRange(max = 63) int position, @ForAll @IntRange(max = 255) int bit) throws ProofException {
        Assume.that(index < size);
        Hash root = root(size);
        Hash leaf = LEAVES.get(index);
        List<Hash> proof = Proofs.inclusionProof(index, size, WIDEST);
        assertThat(proof).isEqualTo(NaiveMerkle.path(LEAVES, index, 0, size));
        ProofVerifier.verifyInclusion(leaf, index, size, proof, root);

        if (!proof.isEmpty()) {
            assertInclusionFails(leaf, index, size, flip(proof, position % proof.size(), bit), root);
            assertInclusionFails(leaf, index, size, proof.subList(0, proof.size() - 1), root);
        }
        List<Hash> extended = new ArrayList<>(proof);
        extended.add(leaf);
        assertInclusionFails(leaf, index, size, extended, root);
        assertInclusionFails(flip(List.of(leaf), 0, bit).get(0), index, size, proof, root);
        for (int wrongIndex : new int[] {index - 1, index + 1, index ^ 2}) {
            if (wrongIndex >= 0 && wrongIndex < size) {
                assertInclusionFails(leaf, wrongIndex, size, proof, root);
            }
        }
        // RFC 9162 proofs do not bind the tree size (the signed checkpoint does): a proof for one size
        // MUST NOT verify against the root of a tree of another size.
        for (int wrongSize : new int[] {size - 1, size + 1, size * 2, size / 2}) {
            if (wrongSize > index && wrongSize != size) {
                assertInclusionFails(leaf, index, wrongSize, proof, root(wrongSize));
            }
        }
    }

    @Property(tries = 300)
    void consistencyProofsFromTilesVerifyAndTamperedOnesDoNot(
            @ForAll @IntRange(min = 1, max = MAX) int oldSize, @ForAll @IntRange(min = 1, max = MAX) int newSize,
            @ForAll @IntRange(max = 63) int position, @ForAll @IntRange(max = 255) int bit) throws ProofException {
        Assume.that(oldSize < newSize);
        Hash oldRoot = root(oldSize);
        Hash newRoot = root(newSize);
        List<Hash> proof = Proofs.consistencyProof(oldSize, newSize, WIDEST);
        assertThat(proof).isEqualTo(NaiveMerkle.proof(LEAVES, oldSize, newSize));
        ProofVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof);

        assertConsistencyFails(oldSize, newSize, oldRoot, newRoot, flip(proof, position % proof.size(), bit));
        assertConsistencyFails(oldSize, newSize, oldRoot, newRoot, proof.subList(0, proof.size() - 1));
        assertConsistencyFails(oldSize, newSize, oldRoot, newRoot, proof.subList(1, proof.size()));
        List<Hash> extended = new ArrayList<>(proof);
        extended.add(oldRoot);
        assertConsistencyFails(oldSize, newSize, oldRoot, newRoot, extended);
        assertConsistencyFails(oldSize, newSize, flip(List.of(oldRoot), 0, bit).get(0), newRoot, proof);
        assertConsistencyFails(oldSize, newSize, oldRoot, flip(List.of(newRoot), 0, bit).get(0), proof);
        assertConsistencyFails(oldSize, newSize, newRoot, oldRoot, proof);
        for (int[] wrong : new int[][] {{oldSize - 1, newSize}, {oldSize + 1, newSize}, {oldSize, newSize + 1},
                {oldSize, newSize - 1}, {oldSize, newSize * 2}, {oldSize / 2, newSize}}) {
            if (wrong[0] > 0 && wrong[0] < wrong[1] && (wrong[0] != oldSize || wrong[1] != newSize)) {
                assertConsistencyFails(wrong[0], wrong[1], root(wrong[0]), root(wrong[1]), proof);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {255, 256, 257, 65_535, 65_536, 65_537})
    void proofsAreRightAroundTileBoundaries(int size) throws ProofException {
        List<Hash> leaves = NaiveMerkle.leaves(0, size);
        MemoryTiles tiles = new MemoryTiles(false);
        tiles.append(leaves);
        Hash root = NaiveMerkle.root(leaves);
        for (int index : new int[] {0, 1, 255, 256, size / 2, size - 257, size - 256, size - 2, size - 1}) {
            if (index < 0 || index >= size) {
                continue;
            }
            List<Hash> proof = Proofs.inclusionProof(index, size, tiles);
            assertThat(proof).isEqualTo(NaiveMerkle.path(leaves, index, 0, size));
            ProofVerifier.verifyInclusion(leaves.get(index), index, size, proof, root);
            int oldSize = index + 1;
            if (oldSize < size) {
                List<Hash> consistency = Proofs.consistencyProof(oldSize, size, tiles);
                assertThat(consistency).isEqualTo(NaiveMerkle.proof(leaves, oldSize, size));
                ProofVerifier.verifyConsistency(oldSize, size, NaiveMerkle.root(leaves.subList(0, oldSize)), root,
                        consistency);
            }
        }
    }

    @Test
    void aFailedInclusionProofNamesIndexSizeAndBothRoots() {
        List<Hash> proof = Proofs.inclusionProof(5, 8, WIDEST);
        Hash wrongRoot = root(7);
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(LEAVES.get(5), 5, 8, proof, wrongRoot))
                .isInstanceOfSatisfying(ProofException.class, e -> {
                    assertThat(e.expectedRoot()).isEqualTo(wrongRoot);
                    assertThat(e.computedRoot()).isEqualTo(root(8));
                    assertThat(e.proof()).isEqualTo(proof);
                })
                .hasMessageContaining("index 5").hasMessageContaining("size 8")
                .hasMessageContaining(wrongRoot.hex()).hasMessageContaining(root(8).hex());
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(LEAVES.get(5), 5, 8, proof.subList(0, 2), root(8)))
                .hasMessageContaining("has 2 hashes, must have 3");
    }

    @Test
    void aFailedConsistencyProofNamesSizesAndRoots() {
        List<Hash> proof = Proofs.consistencyProof(3, 7, WIDEST);
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(3, 7, root(3), root(6), proof))
                .isInstanceOf(ProofException.class)
                .hasMessageContaining("size 3").hasMessageContaining("size 7")
                .hasMessageContaining("expected new root " + root(6).hex())
                .hasMessageContaining("computed new root " + root(7).hex());
    }

    @Test
    void consistencyEdgesFollowTlogWitness() throws ProofException {
        assertThat(Proofs.consistencyProof(0, 10, WIDEST)).isEmpty();
        assertThat(Proofs.consistencyProof(10, 10, WIDEST)).isEmpty();
        ProofVerifier.verifyConsistency(0, 10, Merkle.emptyRoot(), root(10), List.of());
        ProofVerifier.verifyConsistency(0, 0, Merkle.emptyRoot(), Merkle.emptyRoot(), List.of());
        ProofVerifier.verifyConsistency(10, 10, root(10), root(10), List.of());
        assertConsistencyFails(0, 10, Merkle.emptyRoot(), root(10), List.of(root(1)));
        assertConsistencyFails(0, 10, root(1), root(10), List.of());
        assertConsistencyFails(0, 0, root(1), root(1), List.of());
        assertConsistencyFails(10, 10, root(10), root(9), List.of());
        assertConsistencyFails(10, 10, root(10), root(10), List.of(root(10)));
        assertConsistencyFails(10, 9, root(10), root(9), List.of());
        assertConsistencyFails(-1, 9, root(1), root(9), List.of());
        assertThatThrownBy(() -> Proofs.consistencyProof(10, 9, WIDEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void inclusionEdgesAreRejected() {
        assertInclusionFails(LEAVES.get(0), 0, 0, List.of(), Merkle.emptyRoot());
        assertInclusionFails(LEAVES.get(0), -1, 5, List.of(), root(5));
        assertInclusionFails(LEAVES.get(0), 5, 5, List.of(), root(5));
        assertThatCode(() -> ProofVerifier.verifyInclusion(LEAVES.get(0), 0, 1, List.of(), root(1)))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Proofs.inclusionProof(5, 5, WIDEST)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void eachTileIsReadOnceAndOnlyTilesOfTheTreeAreRead() {
        MemoryTiles tiles = MemoryTiles.of(NaiveMerkle.leaves(0, 70_000));
        tiles.reads = 0;
        List<Hash> proof = Proofs.inclusionProof(12_345, 70_000, tiles);
        assertThat(proof).hasSize(17);
        // One level 0 tile, a few level 1 tiles, the level 2 tile: never one per proof hash per level.
        assertThat(tiles.reads).isLessThanOrEqualTo(proof.size());
    }

    @Test
    void expectedProofLengthsMatchTheProofsProduced() {
        for (int n = 1; n <= 64; n++) {
            for (int m = 0; m < n; m++) {
                assertThat(ProofVerifier.inclusionProofLength(m, n)).isEqualTo(NaiveMerkle.path(LEAVES, m, 0, n).size());
                if (m > 0) {
                    assertThat(ProofVerifier.consistencyProofLength(m, n)).isEqualTo(NaiveMerkle.proof(LEAVES, m, n).size());
                }
            }
        }
    }

    private static List<Hash> flip(List<Hash> proof, int position, int bit) {
        List<Hash> out = new ArrayList<>(proof);
        byte[] bytes = out.get(position).bytes();
        bytes[bit / 8] ^= (byte) (1 << (bit % 8));
        out.set(position, Hash.of(bytes));
        return out;
    }

    private static void assertInclusionFails(Hash leaf, long index, long size, List<Hash> proof, Hash root) {
        assertThatThrownBy(() -> ProofVerifier.verifyInclusion(leaf, index, size, proof, root))
                .isInstanceOf(ProofException.class).hasMessageContaining("index " + index);
    }

    static void assertConsistencyFails(long oldSize, long newSize, Hash oldRoot, Hash newRoot, List<Hash> proof) {
        assertThatThrownBy(() -> ProofVerifier.verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof))
                .isInstanceOf(ProofException.class).hasMessageContaining("from size " + oldSize);
    }
}
