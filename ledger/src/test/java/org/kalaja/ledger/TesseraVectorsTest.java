package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Tessera's C2SP test log (transparency-dev/tessera, testdata/build_log.sh and testdata/log/): 15
 * entries "one" .. "fivten", a checkpoint signed by a published test key.
 */
class TesseraVectorsTest {
    static final String VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx";
    static final String SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg";
    /** testdata/log/checkpoint. */
    static final String CHECKPOINT = """
            example.com/log/testdata
            15
            rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=

            — example.com/log/testdata M9e0luh4jTG+UMBqOUo9/q+yAEvx1ilBEniMvjf1zfcBOhg+CKubMt53MvIt/uEWP6zdkdIQzd/fmwlM/dlPWF74ewI=
            """;
    /** testdata/log/checkpoint.1. */
    static final String CHECKPOINT_1 = """
            example.com/log/testdata
            1
            0Nc2CrefWKseHj/mStd+LqC8B+NrX0btIiPt2SmN+ek=

            — example.com/log/testdata M9e0lhr9kuLxGdAtaUrhm84TQffVsLdcy808sN0a3WyniNlfcr9+bywoiIke1YYciCNjJGkCgIlQ8b16jhsmg/SChAM=
            """;
    static final List<String> ENTRIES = List.of("one", "two", "three", "four", "five", "six", "seven", "eit", "nain",
            "ten", "ileven", "twelf", "threeten", "fourten", "fivten");

    @Test
    void verifiesTesserasCheckpointSignature() throws Exception {
        VerifierKey key = VerifierKey.parse(VKEY);
        assertThat(key.format()).isEqualTo(VKEY);
        assertThat(key.keyId()).isEqualTo(0x33d7b496);
        Note note = Note.parse(CHECKPOINT);
        assertThat(note.format()).isEqualTo(CHECKPOINT);
        assertThat(note.verify(List.of(key))).containsExactly(key);
        assertThat(Note.parse(CHECKPOINT_1).verify(List.of(key))).containsExactly(key);
    }

    @Test
    void parsesTesserasCheckpoint() {
        Checkpoint cp = Checkpoint.of(Note.parse(CHECKPOINT));
        assertThat(cp.origin()).isEqualTo("example.com/log/testdata");
        assertThat(cp.size()).isEqualTo(15);
        assertThat(cp.rootHash().base64()).isEqualTo("rKbDipCvhuX1GZ7g5BBe8sA6BbJ7ja/1nk427v383cs=");
        assertThat(cp.extensions()).isEmpty();
        assertThat(cp.body()).isEqualTo(Note.parse(CHECKPOINT).text());
    }

    /** Ed25519 is deterministic: Tessera's published private key must reproduce its signature exactly. */
    @Test
    void tesserasPrivateKeyReproducesItsSignature() {
        SigningKey key = SigningKey.parse(SKEY);
        assertThat(key.verifierKey().format()).isEqualTo(VKEY);
        assertThat(Checkpoint.of(Note.parse(CHECKPOINT)).sign(key).format()).isEqualTo(CHECKPOINT);
    }

    @Test
    void aTamperedTesseraCheckpointFails() {
        String tampered = CHECKPOINT.replace("\n15\n", "\n16\n");
        assertThatThrownBy(() -> Note.parse(tampered).verify(List.of(VerifierKey.parse(VKEY))))
                .isInstanceOf(NoteVerificationException.class);
    }

    /** The RFC 6962 root of the 15 entries is the checkpoint's; a tlog-proof for each verifies. */
    @Test
    void tlogProofsOfTesserasEntriesVerify() throws Exception {
        List<Hash> leaves = new ArrayList<>();
        for (String e : ENTRIES) {
            leaves.add(Merkle.leafHash(e.getBytes(StandardCharsets.UTF_8)));
        }
        Checkpoint cp = Checkpoint.of(Note.parse(CHECKPOINT));
        assertThat(NaiveMerkle.root(leaves)).isEqualTo(cp.rootHash());
        VerifierKey key = VerifierKey.parse(VKEY);
        for (int i = 0; i < ENTRIES.size(); i++) {
            TlogProof proof = new TlogProof(new byte[0], i, NaiveMerkle.path(leaves, i, 0, leaves.size()), Note.parse(CHECKPOINT));
            TlogProof reparsed = TlogProof.parse(proof.format());
            assertThat(reparsed).isEqualTo(proof);
            assertThat(reparsed.verifyEntry(ENTRIES.get(i).getBytes(StandardCharsets.UTF_8), "example.com/log/testdata",
                    key, List.of(), 0)).isEqualTo(cp);
            int other = (i + 1) % ENTRIES.size();
            assertThatThrownBy(() -> reparsed.verifyEntry(ENTRIES.get(other).getBytes(StandardCharsets.UTF_8),
                    "example.com/log/testdata", key, List.of(), 0)).isInstanceOf(TlogProofException.class)
                    .hasCauseInstanceOf(ProofException.class);
        }
    }
}
