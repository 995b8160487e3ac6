package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples in docs/FORMATS.md are produced by this code, byte for byte. */
class FormatsDocTest {
    /** Example keys from fixed seeds; for documentation and tests only. */
    static final SigningKey LOG = SigningKey.fromSeed("kalaja.example/log", SignatureType.ED25519,
            Hash.sha256("kalaja example log key".getBytes(StandardCharsets.UTF_8)).bytes());
    static final SigningKey WITNESS = SigningKey.fromSeed("witness.example/w1", SignatureType.COSIGNATURE_V1,
            Hash.sha256("kalaja example witness key".getBytes(StandardCharsets.UTF_8)).bytes());

    static List<byte[]> exampleEntries() {
        Entry e = EntryCodecTest.sample();
        return List.of(EntryCodec.encode(e),
                EntryCodec.encode(new Entry(EntryKind.ACCESS, e.time(), e.actor(), e.clientAddress(), e.userAgent(),
                        e.collection(), e.key(), 3, "", BodyType.NONE, new byte[0])),
                EntryCodec.encode(new Entry(EntryKind.RECORD_DELETE, e.time().plusSeconds(60), e.actor(),
                        e.clientAddress(), e.userAgent(), e.collection(), e.key(), 4, "req-43", BodyType.NONE,
                        new byte[0])));
    }

    static TlogProof exampleProof() {
        List<Hash> leaves = exampleEntries().stream().map(Merkle::leafHash).toList();
        Note signed = new Checkpoint("kalaja.example/log", 3, NaiveMerkle.root(leaves)).sign(LOG);
        Note cosigned = Cosignature.cosign(signed, WITNESS, 1657873860L);
        return new TlogProof(new byte[0], 1, NaiveMerkle.path(leaves, 1, 0, leaves.size()), cosigned);
    }

    static String doc() throws Exception {
        Path p = Path.of("..", "docs", "FORMATS.md");
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    @Test
    void theDocumentedKeysProofAndEntryVectorAreWhatTheCodeProduces() throws Exception {
        TlogProof proof = exampleProof();
        proof.verifyEntry(exampleEntries().get(1), "kalaja.example/log", LOG.verifierKey(),
                List.of(WITNESS.verifierKey()), 1);
        String doc = doc();
        assertThat(doc).contains(LOG.verifierKey().format(), WITNESS.verifierKey().format(), proof.format(),
                EntryCodecTest.VECTOR_LEAF_HASH, Merkle.leafHash(exampleEntries().get(1)).hex());
        String unwrapped = doc.replace("\n", ""); // long hex strings are wrapped at 64 digits
        assertThat(unwrapped).contains(EntryCodecTest.VECTOR_HEX, HexFormat.of().formatHex(exampleEntries().get(1)));
    }

    public static void main(String[] args) {
        System.out.println(LOG.verifierKey().format());
        System.out.println(WITNESS.verifierKey().format());
        System.out.println(HexFormat.of().formatHex(exampleEntries().get(1)));
        System.out.println(Merkle.leafHash(exampleEntries().get(1)).hex());
        System.out.print(exampleProof().format());
    }
}
