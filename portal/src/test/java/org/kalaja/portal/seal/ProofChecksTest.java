package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Merkle;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.portal.seal.Verification.Outcome;

/** The proof helper on a tree built here by hand (RFC 9162), so nothing of the node is trusted. */
class ProofChecksTest {
    private static final SigningKey LOG = SigningKey.generate("test.example/log", SignatureType.ED25519);
    private final List<byte[]> entries = List.of(bytes("a"), bytes("b"), bytes("c"), bytes("d"), bytes("e"));
    private final Hash[] leaves = entries.stream().map(Merkle::leafHash).toArray(Hash[]::new);
    // Tree of 5: root = H(H(H(a,b),H(c,d)), e)
    private final Hash ab = Merkle.nodeHash(leaves[0], leaves[1]);
    private final Hash cd = Merkle.nodeHash(leaves[2], leaves[3]);
    private final Hash root = Merkle.nodeHash(Merkle.nodeHash(ab, cd), leaves[4]);
    private final Checkpoint checkpoint = new Checkpoint("test.example/log", 5, root);
    /** Proof for entry 2 ("c"): its sibling d, then ab, then e. */
    private final List<Hash> proofOfC = List.of(leaves[3], ab, leaves[4]);

    @Test
    void inclusionPassesForTheRightEntryAndProof() {
        assertThat(ProofChecks.inclusion(entries.get(2), 2, checkpoint, proofOfC).outcome()).isEqualTo(Outcome.PASSED);
    }

    @Test
    void inclusionFailsWhenAProofHashIsAltered() {
        for (int i = 0; i < proofOfC.size(); i++) {
            List<Hash> altered = new ArrayList<>(proofOfC);
            byte[] b = altered.get(i).bytes();
            b[7] ^= 1;
            altered.set(i, Hash.of(b));
            assertThat(ProofChecks.inclusion(entries.get(2), 2, checkpoint, altered).outcome()).as("hash %d altered", i)
                    .isEqualTo(Outcome.FAILED);
        }
    }

    @Test
    void inclusionFailsForAnotherEntryOrIndexOrATruncatedProof() {
        assertThat(ProofChecks.inclusion(entries.get(3), 2, checkpoint, proofOfC).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ProofChecks.inclusion(entries.get(2), 3, checkpoint, proofOfC).outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ProofChecks.inclusion(entries.get(2), 2, checkpoint, proofOfC.subList(0, 2)).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void leafCheckFailsWhenTheTreeHoldsOtherBytes() {
        assertThat(ProofChecks.leaf(entries.get(1), 1, leaves[1]).outcome()).isEqualTo(Outcome.PASSED);
        assertThat(ProofChecks.leaf(bytes("b'"), 1, leaves[1]).outcome()).isEqualTo(Outcome.FAILED);
    }

    @Test
    void checkpointMustBeSignedByTheLogKey() throws Exception {
        String signed = checkpoint.sign(LOG).format();
        SigningKey other = SigningKey.generate("test.example/log", SignatureType.ED25519);

        ProofChecks.SignedCheckpoint ok = ProofChecks.checkpoint(signed, LOG.verifierKey().format(), List.of());
        assertThat(ok.checkpoint()).isEqualTo(checkpoint);
        assertThat(ok.signers()).isEqualTo("signed by the log only");
        assertThatThrownBy(() -> ProofChecks.checkpoint(signed, other.verifierKey().format(), List.of()))
                .isInstanceOf(ProofChecks.CheckFailed.class);
        assertThatThrownBy(() -> ProofChecks.checkpoint(signed.replace("\n5\n", "\n6\n"), LOG.verifierKey().format(), List.of()))
                .isInstanceOf(ProofChecks.CheckFailed.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
