package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TlogProofTest {
    static final String ORIGIN = "kalaja.example/log";
    static final SigningKey LOG = SigningKey.generate(ORIGIN, SignatureType.ED25519);
    static final SigningKey W1 = SigningKey.generate("w1.example", SignatureType.COSIGNATURE_V1);
    static final SigningKey W2 = SigningKey.generate("w2.example", SignatureType.COSIGNATURE_V1);
    static final SigningKey W3 = SigningKey.generate("w3.example", SignatureType.COSIGNATURE_V1);
    static final List<VerifierKey> WITNESSES = List.of(W1.verifierKey(), W2.verifierKey(), W3.verifierKey());

    static List<byte[]> entries = new ArrayList<>();
    static List<Hash> leaves = new ArrayList<>();
    static Note cosigned;

    @BeforeAll
    static void buildLog() {
        for (int i = 0; i < 13; i++) {
            byte[] e = EntryCodec.encode(new Entry(EntryKind.RECORD_PUT, Instant.ofEpochSecond(i), "actor", "", "", "c",
                    "k" + i, 1, "", BodyType.JSON, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
            entries.add(e);
            leaves.add(Merkle.leafHash(e));
        }
        Checkpoint cp = new Checkpoint(ORIGIN, leaves.size(), NaiveMerkle.root(leaves));
        cosigned = Cosignature.cosign(Cosignature.cosign(cp.sign(LOG), W1, 100), W2, 101);
    }

    static TlogProof proofOf(int i) {
        return new TlogProof(new byte[0], i, NaiveMerkle.path(leaves, i, 0, leaves.size()), cosigned);
    }

    @Test
    void formatsExactlyAsTheSpecLaysOut() {
        TlogProof p = new TlogProof("hi".getBytes(StandardCharsets.UTF_8), 5, NaiveMerkle.path(leaves, 5, 0, leaves.size()), cosigned);
        StringBuilder want = new StringBuilder("c2sp.org/tlog-proof@v1\nextra aGk=\nindex 5\n");
        for (Hash h : NaiveMerkle.path(leaves, 5, 0, leaves.size())) {
            want.append(h.base64()).append('\n');
        }
        want.append('\n').append(cosigned.format());
        assertThat(p.format()).isEqualTo(want.toString());
        assertThat(TlogProof.parse(p.format())).isEqualTo(p);
        assertThat(TlogProof.parse(p.format().getBytes(StandardCharsets.UTF_8)).extra()).isEqualTo("hi".getBytes());
    }

    @Test
    void everyEntryVerifiesWithAQuorumOfTwoWitnesses() throws Exception {
        for (int i = 0; i < entries.size(); i++) {
            TlogProof p = TlogProof.parse(proofOf(i).format());
            assertThat(p.verifyEntry(entries.get(i), ORIGIN, LOG.verifierKey(), WITNESSES, 2).size()).isEqualTo(13);
        }
    }

    @Test
    void refusesTooFewCosignaturesAWrongOriginAWrongLogKeyAndAWrongEntry() {
        TlogProof p = proofOf(3);
        assertThatThrownBy(() -> p.verifyEntry(entries.get(3), ORIGIN, LOG.verifierKey(), WITNESSES, 3))
                .isInstanceOf(TlogProofException.class).hasMessageContaining("2 valid witness cosignatures");
        assertThatThrownBy(() -> p.verifyEntry(entries.get(3), "other.example/log", LOG.verifierKey(), WITNESSES, 0))
                .isInstanceOf(TlogProofException.class).hasMessageContaining("origin");
        VerifierKey impostor = SigningKey.generate(ORIGIN, SignatureType.ED25519).verifierKey();
        assertThatThrownBy(() -> p.verifyEntry(entries.get(3), ORIGIN, impostor, WITNESSES, 0))
                .isInstanceOf(TlogProofException.class);
        assertThatThrownBy(() -> p.verifyEntry(entries.get(4), ORIGIN, LOG.verifierKey(), WITNESSES, 0))
                .isInstanceOf(TlogProofException.class).hasCauseInstanceOf(ProofException.class);
        TlogProof wrongIndex = new TlogProof(new byte[0], 4, p.inclusionProof(), cosigned);
        assertThatThrownBy(() -> wrongIndex.verifyEntry(entries.get(3), ORIGIN, LOG.verifierKey(), WITNESSES, 0))
                .isInstanceOf(TlogProofException.class);
    }

    @Test
    void aSingleLeafTreeHasAnEmptyProof() throws Exception {
        byte[] e = entries.get(0);
        Note n = new Checkpoint(ORIGIN, 1, Merkle.leafHash(e)).sign(LOG);
        TlogProof p = new TlogProof(new byte[0], 0, List.of(), n);
        assertThat(p.format()).startsWith("c2sp.org/tlog-proof@v1\nindex 0\n\n" + ORIGIN + "\n1\n");
        TlogProof.parse(p.format()).verifyEntry(e, ORIGIN, LOG.verifierKey(), List.of(), 0);
    }

    @Test
    void parsingIsStrict() {
        String good = proofOf(3).format();
        List<String> bad = List.of(
                good.replace("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2"),
                good.replace("index 3", "index 03"),
                good.replace("index 3", "index -3"),
                good.replace("index 3", "Index 3"),
                good.replace("index 3\n", "extra \nindex 3\n"),
                good.replace("index 3\n", "extra aGk\nindex 3\n"),
                good.replace("index 3\n", "index 3\nAAAA\n"),
                good.substring(0, good.indexOf("\n\n")), // no checkpoint
                good.replace("\n\n" + ORIGIN, "\n\n\n" + ORIGIN), // empty origin
                good.replace("\n\n" + ORIGIN + "\n13\n", "\n\n" + ORIGIN + "\n013\n"),
                good.substring(0, good.length() - 1));
        for (String b : bad) {
            assertThatThrownBy(() -> TlogProof.parse(b)).as(b).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
