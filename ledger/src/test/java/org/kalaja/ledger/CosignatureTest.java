package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CosignatureTest {
    static final SigningKey LOG = SigningKey.generate("kalaja.example/log", SignatureType.ED25519);
    static final SigningKey W1 = SigningKey.generate("witness.example/w1", SignatureType.COSIGNATURE_V1);
    static final Checkpoint CP = new Checkpoint("kalaja.example/log", 20852163,
            Hash.fromBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));

    @Test
    void theSignedMessageIsTheSpecsExample() {
        byte[] m = Cosignature.signedMessage(1679315147, "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(new String(m, StandardCharsets.UTF_8)).isEqualTo("""
                cosignature/v1
                time 1679315147
                example.com/behind-the-sofa
                20852163
                CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
                """);
    }

    @Test
    void aCosignatureIsATimestampAndAnEd25519SignatureOfTheMessage() throws Exception {
        Note cosigned = Cosignature.cosign(CP.sign(LOG), W1, 1679315147);
        Note.Signature sig = cosigned.signatures().get(1);
        assertThat(sig.keyId()).isEqualTo(W1.keyId());
        byte[] raw = sig.signature();
        assertThat(raw).hasSize(72);
        assertThat(Cosignature.timestamp(sig)).isEqualTo(1679315147);
        // an independent check with the JDK: Ed25519 over the cosignature/v1 message
        var jdk = java.security.Signature.getInstance("Ed25519");
        byte[] x509 = new byte[44];
        System.arraycopy(java.util.HexFormat.of().parseHex("302a300506032b6570032100"), 0, x509, 0, 12);
        System.arraycopy(W1.verifierKey().publicKey(), 0, x509, 12, 32);
        jdk.initVerify(java.security.KeyFactory.getInstance("Ed25519")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(x509)));
        jdk.update(Cosignature.signedMessage(1679315147, CP.body().getBytes(StandardCharsets.UTF_8)));
        assertThat(jdk.verify(java.util.Arrays.copyOfRange(raw, 8, 72))).isTrue();

        Note parsed = Note.parse(cosigned.format());
        assertThat(parsed.verify(List.of(LOG.verifierKey(), W1.verifierKey())))
                .containsExactly(LOG.verifierKey(), W1.verifierKey());
        assertThat(parsed.verify(List.of(W1.verifierKey()))).containsExactly(W1.verifierKey());
    }

    @Test
    void aCosignerTakesItsTimestampFromItsClock() throws Exception {
        SigningKey w = W1.withClock(Clock.fixed(Instant.ofEpochSecond(1_700_000_000), ZoneOffset.UTC));
        Note n = CP.sign(LOG).withSignatures(w);
        assertThat(Cosignature.timestamp(n.signatures().get(1))).isEqualTo(1_700_000_000L);
        n.verify(List.of(W1.verifierKey()));
    }

    @Test
    void aChangedTimestampOrCheckpointFails() {
        Note cosigned = Cosignature.cosign(CP.sign(LOG), W1, 1000);
        Note.Signature s = cosigned.signatures().get(1);
        byte[] raw = s.signature();
        raw[7] ^= 1;
        Note badTime = new Note(cosigned.text(), List.of(new Note.Signature(s.name(), s.keyId(), raw)));
        assertThatThrownBy(() -> badTime.verify(List.of(W1.verifierKey()))).isInstanceOf(NoteVerificationException.class);
        Note otherCp = new Note(new Checkpoint(CP.origin(), CP.size() + 1, CP.rootHash()).body(), List.of(s));
        assertThatThrownBy(() -> otherCp.verify(List.of(W1.verifierKey()))).isInstanceOf(NoteVerificationException.class);
    }

    @Test
    void anEd25519KeyAndACosignatureKeyDoNotVerifyEachOther() {
        byte[] seed = new byte[32];
        SigningKey asLog = SigningKey.fromSeed("w", SignatureType.ED25519, seed);
        SigningKey asWitness = SigningKey.fromSeed("w", SignatureType.COSIGNATURE_V1, seed);
        Note n = Cosignature.cosign(CP.sign(LOG), asWitness, 5);
        assertThatThrownBy(() -> n.verify(List.of(asLog.verifierKey()))).isInstanceOf(NoteVerificationException.class)
                .hasMessageContaining("no signature by a known key");
    }

    @Test
    void cosigningRefusesNonCheckpointsAndLogKeys() {
        assertThatThrownBy(() -> Note.sign("not a checkpoint\n", W1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cosignature.cosign(CP.sign(LOG), LOG, 1)).hasMessageContaining("COSIGNATURE_V1");
        assertThatThrownBy(() -> Cosignature.cosign(CP.sign(LOG), W1, -1)).hasMessageContaining("negative");
    }
}
