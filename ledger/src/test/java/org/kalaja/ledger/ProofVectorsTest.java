package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proof vectors quoted from transparency-dev/merkle's testdata/ (valid and deliberately broken). The
 * trees are MerkleTest's 8 reference leaves. Columns: description, index or old size, (new) tree
 * size, root or old root, leaf hash or new root, proof hashes separated by spaces, expected outcome.
 * Vectors whose broken values are not 32 bytes long (garbage roots) cannot be a {@link Hash} and are
 * left out; so is transparency-dev's rule that a consistency proof from size 0 is always an error:
 * Kalaja follows C2SP tlog-witness there (an empty proof from the empty tree is valid).
 */
class ProofVectorsTest {
    private static final String R8 = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
    private static final String R6 = "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8=";
    private static final String R5 = "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ=";
    private static final String EMPTY = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

    @ParameterizedTest(name = "inclusion {0}")
    @CsvSource(delimiter = '|', textBlock = """
        1/happy-path               | 0 | 8 | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ= | ok
        1/modified-proof[1]-bit-@3 | 0 | 8 | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= Vwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ= | error
        2/happy-path               | 5 | 8 | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg= | vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | ok
        2/leafIdx-plus-@1          | 6 | 8 | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg= | vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        2/leafIdx-XOR-@2           | 7 | 8 | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | QnGia+DYqE8L1UyMMC58s6O10fpngKQLzOKHNHfatlg= | vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        3/happy-path               | 2 | 3 | rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= | ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c= | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | ok
        3/leafIdx-sub-@1           | 1 | 3 | rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= | ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c= | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | error
        3/trailing-root            | 2 | 3 | rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= | ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c= | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= | error
        3/preceding-root           | 2 | 3 | rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= | ApjRIpBtz8EIkstTpzmS/FufST6kybrbJ7eRtBJ6f+c= | rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc= +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | error
        4/happy-path               | 1 | 5 | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | ok
        4/treeSize-mul-@2          | 1 | 10 | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | error
        4/treeSize-div-@2          | 1 | 2 | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | error
        """)
    void inclusionVectors(String desc, long index, long size, String root, String leaf, String proof, String outcome) {
        List<Hash> hashes = hashes(proof);
        if (outcome.equals("ok")) {
            assertThatCode(() -> ProofVerifier.verifyInclusion(hash(leaf), index, size, hashes, hash(root)))
                    .doesNotThrowAnyException();
            // The same proof, produced from the tiles of the reference tree.
            MemoryTiles tiles = MemoryTiles.of(MerkleTest.referenceLeaves().subList(0, (int) size));
            assertThat(Proofs.inclusionProof(index, size, tiles)).isEqualTo(hashes);
            assertThat(Proofs.leafHash(index, size, tiles)).isEqualTo(hash(leaf));
        } else {
            assertThatThrownBy(() -> ProofVerifier.verifyInclusion(hash(leaf), index, size, hashes, hash(root)))
                    .isInstanceOf(ProofException.class);
        }
    }

    @ParameterizedTest(name = "consistency {0}")
    @CsvSource(delimiter = '|', textBlock = """
        0/happy-path               | 1 | 1 | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | | ok
        1/happy-path               | 1 | 8 | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ= | ok
        1/modified-proof@1-bit-@4  | 1 | 8 | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= Twg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ= | error
        1/trailing-root2           | 1 | 8 | bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | lqKW0iTyhcZ77pPDD4owkVfw2qNdxbh+QQt4YwoJz8c= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= a0eq8p7jwq+a+Im8H7klTavTEXfxYjLdaqsDXKOb9uQ= XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | error
        2/happy-path               | 6 | 8 | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | ok
        2/size1-plus-@1            | 7 | 8 | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        2/size2-div-@2             | 6 | 4 | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= yoVOoSjtBQtBs1/8G4e46yveRh6eO1WW7Oa51ZdaCuA= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        3/happy-path               | 2 | 5 | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | ok
        3/truncated-proof          | 2 | 5 | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= | error
        3/preceding-proof-@0       | 2 | 5 | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= Xwg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | error
        3/modified-proof@0-bit-@4  | 2 | 5 | +sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU= | Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ= | Twg/ChozygdqlSeYMlgNs+DvRYS9/x9UyKNg9Q3jAx4= vBoGQ7EuTS18d5GPROD095qDi2z57FtcKD4fTYhZnms= | error
        4/happy-path               | 6 | 7 | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | 3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | ok
        4/swapped-roots            | 6 | 7 | 3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw= | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        4/size1-XOR-@2             | 4 | 7 | duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8= | 3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw= | DrxdNDf74tsVi58Sah0RjjCBgQMdCpSfje3t68VY72o= sIaT7C5yFZcTBkHoIR5+7cy0wmQTlj7ubB4u0W/7Gl8= 037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc= | error
        additional/sizes-match-but-proof-is-not-empty-and-sizes-are-one | 1 | 1 | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | error
        additional/consistency-check-on-empty-tree-size1-is-zero-is-useless | 0 | 1 | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= | error
        """)
    void consistencyVectors(String desc, long oldSize, long newSize, String oldRoot, String newRoot, String proof,
                            String outcome) {
        List<Hash> hashes = hashes(proof);
        if (outcome.equals("ok")) {
            assertThatCode(() -> ProofVerifier.verifyConsistency(oldSize, newSize, hash(oldRoot), hash(newRoot), hashes))
                    .doesNotThrowAnyException();
            MemoryTiles tiles = MemoryTiles.of(MerkleTest.referenceLeaves().subList(0, (int) newSize));
            assertThat(Proofs.consistencyProof(oldSize, newSize, tiles)).isEqualTo(hashes);
            assertThat(TreeBuilder.root(newSize, tiles)).isEqualTo(hash(newRoot));
        } else {
            ProofTest.assertConsistencyFails(oldSize, newSize, hash(oldRoot), hash(newRoot), hashes);
        }
    }

    @ParameterizedTest
    @CsvSource({"5, " + R5, "6, " + R6, "8, " + R8, "0, " + EMPTY})
    void vectorRootsAreTheReferenceTreeRoots(int size, String root) {
        assertThat(TreeBuilder.root(size, MemoryTiles.of(MerkleTest.referenceLeaves().subList(0, size))))
                .isEqualTo(hash(root));
    }

    private static Hash hash(String base64) {
        return Hash.fromBase64(base64);
    }

    private static List<Hash> hashes(String proof) {
        if (proof == null || proof.isBlank()) {
            return List.of();
        }
        return Arrays.stream(proof.trim().split(" +")).map(Hash::fromBase64).toList();
    }
}
