package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every parser, fed random bytes and damaged valid inputs, either accepts (and then round-trips)
 * or throws IllegalArgumentException; nothing else, and quickly.
 */
class ParserFuzzTest {
    static final SigningKey LOG = SigningKey.generate("kalaja.example/log", SignatureType.ED25519);
    static final SigningKey W = SigningKey.generate("w.example", SignatureType.COSIGNATURE_V1);
    static final Note NOTE = Cosignature.cosign(new Checkpoint("kalaja.example/log", 3, Hash.sha256(new byte[] {1}),
            List.of("ext")).sign(LOG), W, 77);
    static final String PROOF = new TlogProof(new byte[] {1, 2}, 2,
            List.of(Hash.sha256(new byte[] {2}), Hash.sha256(new byte[] {3})), NOTE).format();
    static final List<String> SEEDS = List.of(NOTE.format(), PROOF, NOTE.text(), LOG.verifierKey().format(),
            W.format(), new String(EntryCodec.encode(EntryCodecTest.sample()), StandardCharsets.ISO_8859_1));

    @Provide
    Arbitrary<byte[]> inputs() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
        Arbitrary<byte[]> ascii = Arbitraries.strings().withChars("\n \u2014+=/aAz09-.").ofMaxLength(200)
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
        Arbitrary<byte[]> damaged = net.jqwik.api.Combinators.combine(Arbitraries.of(SEEDS),
                Arbitraries.integers().between(0, 3), Arbitraries.integers(), Arbitraries.integers().between(0, 255))
                .as((seed, kind, at, value) -> EntryCodecTest.mutate(seed.getBytes(StandardCharsets.UTF_8),
                        new int[] {kind, at, value}));
        return Arbitraries.oneOf(random, ascii, damaged, damaged);
    }

    static void onlyIllegalArgument(Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException expected) {
            // the documented failure
        }
    }

    @Property(tries = 2000)
    void noteParser(@ForAll("inputs") byte[] b) {
        onlyIllegalArgument(() -> {
            Note n = Note.parse(b);
            assertThat(n.toBytes()).isEqualTo(b);
            try {
                n.verify(List.of(LOG.verifierKey(), W.verifierKey()));
            } catch (NoteVerificationException expected) {
                // fine
            }
        });
    }

    @Property(tries = 2000)
    void checkpointParser(@ForAll("inputs") byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        onlyIllegalArgument(() -> assertThat(Checkpoint.parse(s).body()).isEqualTo(s));
    }

    @Property(tries = 2000)
    void verifierKeyAndPrivateKeyParsers(@ForAll("inputs") byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        onlyIllegalArgument(() -> assertThat(VerifierKey.parse(s).format()).isEqualTo(s));
        onlyIllegalArgument(() -> assertThat(SigningKey.parse(s).format()).isEqualTo(s));
    }

    @Property(tries = 2000)
    void tlogProofParser(@ForAll("inputs") byte[] b) {
        onlyIllegalArgument(() -> {
            TlogProof p = TlogProof.parse(b);
            assertThat(p.format().getBytes(StandardCharsets.UTF_8)).isEqualTo(b);
        });
    }

    @Property(tries = 2000)
    void entryDecoder(@ForAll("inputs") byte[] b) {
        onlyIllegalArgument(() -> assertThat(EntryCodec.encode(EntryCodec.decode(b))).isEqualTo(b));
    }
}
