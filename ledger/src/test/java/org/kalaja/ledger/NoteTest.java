package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class NoteTest {
    static final SigningKey LOG = SigningKey.generate("kalaja.example/log", SignatureType.ED25519);
    static final SigningKey OTHER = SigningKey.generate("kalaja.example/other", SignatureType.ED25519);

    @Property(tries = 50)
    void signedNotesRoundTripAndVerify(@ForAll("texts") String text) throws Exception {
        Note n = Note.sign(text, LOG, OTHER);
        Note parsed = Note.parse(n.toBytes());
        assertThat(parsed).isEqualTo(n);
        assertThat(parsed.text()).isEqualTo(text);
        assertThat(parsed.format()).isEqualTo(n.format());
        assertThat(parsed.verify(List.of(LOG.verifierKey()))).containsExactly(LOG.verifierKey());
    }

    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> line = Arbitraries.strings().withCharRange(' ', '~').withChars("ëçÇ€\u2014 ").ofMaxLength(30)
                .map(s -> s.replace("~", "𝄞"));
        return line.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join("\n", l) + "\n");
    }

    @Test
    void textsMayHoldEmptyLines() throws Exception {
        String text = "first\n\nthird\n\n";
        Note n = Note.parse(Note.sign(text, LOG).format());
        assertThat(n.text()).isEqualTo(text);
        n.verify(List.of(LOG.verifierKey()));
    }

    @Test
    void aTamperedTextFails() {
        String signed = Note.sign("kalaja.example/log\n10\n", LOG).format();
        Note tampered = Note.parse(signed.replace("\n10\n", "\n11\n"));
        assertThatThrownBy(() -> tampered.verify(List.of(LOG.verifierKey())))
                .isInstanceOf(NoteVerificationException.class).hasMessageContaining("invalid signature");
    }

    @Test
    void aWrongKeyWithTheSameNameIsIgnoredSoNothingVerifies() {
        SigningKey impostor = SigningKey.generate(LOG.name(), SignatureType.ED25519);
        Note n = Note.sign("hello\n", impostor);
        assertThatThrownBy(() -> n.verify(List.of(LOG.verifierKey()))).isInstanceOf(NoteVerificationException.class)
                .hasMessageContaining("no signature by a known key");
    }

    @Test
    void aSignatureSwappedFromAnotherNoteFails() {
        Note a = Note.sign("text a\n", LOG);
        Note b = Note.sign("text b\n", LOG);
        Note swapped = new Note(a.text(), b.signatures());
        assertThatThrownBy(() -> swapped.verify(List.of(LOG.verifierKey()))).isInstanceOf(NoteVerificationException.class);
    }

    @Test
    void aSignatureUnderAnotherKeysNameFails() {
        Note n = Note.sign("text\n", OTHER);
        Note.Signature s = n.signatures().get(0);
        Note relabelled = new Note(n.text(), List.of(new Note.Signature(LOG.name(), LOG.keyId(), s.signature())));
        assertThatThrownBy(() -> relabelled.verify(List.of(LOG.verifierKey(), OTHER.verifierKey())))
                .isInstanceOf(NoteVerificationException.class);
    }

    @Test
    void anAddedSignatureReplacesTheOldOneFromTheSameKey() throws Exception {
        Note n = Note.sign("x\n", LOG).withSignatures(OTHER, LOG);
        assertThat(n.signatures()).extracting(Note.Signature::name).containsExactly(OTHER.name(), LOG.name());
        assertThat(n.verify(List.of(LOG.verifierKey(), OTHER.verifierKey()))).hasSize(2);
    }

    @Test
    void signingRefusesBadTextsAndDuplicateSigners() {
        assertThatThrownBy(() -> Note.sign("no newline", LOG)).hasMessageContaining("newline");
        assertThatThrownBy(() -> Note.sign("tab\there\n", LOG)).hasMessageContaining("control character");
        assertThatThrownBy(() -> Note.sign("x\n", LOG, LOG)).hasMessageContaining("two signers");
        assertThatThrownBy(() -> Note.sign("x\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsingRefusesNonCanonicalOrTruncatedSignatures() {
        String good = Note.sign("x\n", LOG).format();
        String sig = good.substring(good.lastIndexOf(' ') + 1, good.length() - 1);
        assertThatThrownBy(() -> Note.parse(good.replace(sig, sig.replace("=", ""))))
                .hasMessageContaining("canonical");
        assertThatThrownBy(() -> Note.parse("x\n\n\u2014 name AAAAAA==\n")).hasMessageContaining("at least one byte");
        assertThatThrownBy(() -> Note.parse("x\n\n- name AAAAAAA=\n")).hasMessageContaining("does not start with");
        assertThatThrownBy(() -> Note.parse("x\n\n\u2014 na+me AAAAAAA=\n")).hasMessageContaining("'+'");
        assertThatThrownBy(() -> Note.parse("x\n\n\u2014 name\u00a0x AAAAAAA=\n")).hasMessageContaining("space");
        assertThatThrownBy(() -> Note.parse("x\n\n\u2014 name AAAAAAA=")).hasMessageContaining("newline");
        assertThat(Note.parse("x\n\n\u2014 name AAAAAAA=\n").signatures().get(0).keyId()).isZero();
    }

    @Test
    void keyNamesAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> SigningKey.generate("", SignatureType.ED25519)).hasMessageContaining("empty");
        assertThatThrownBy(() -> SigningKey.generate("a+b", SignatureType.ED25519)).hasMessageContaining("'+'");
        assertThatThrownBy(() -> SigningKey.generate("a b", SignatureType.ED25519)).hasMessageContaining("space");
        assertThatThrownBy(() -> SigningKey.generate("a\u3000b", SignatureType.ED25519)).hasMessageContaining("U+3000");
        assertThatThrownBy(() -> SigningKey.generate("a\nb", SignatureType.ED25519)).hasMessageContaining("space");
    }

    @Test
    void privateKeysRoundTripAndNeverShowInToString() {
        SigningKey k = SigningKey.generate("witness.example/w1", SignatureType.COSIGNATURE_V1);
        SigningKey parsed = SigningKey.parse(k.format());
        assertThat(parsed.verifierKey()).isEqualTo(k.verifierKey());
        assertThat(parsed.format()).isEqualTo(k.format()).startsWith("PRIVATE+KEY+witness.example/w1+");
        assertThat(k.toString()).doesNotContain(k.format().substring(k.format().lastIndexOf('+') + 1));
        assertThat(VerifierKey.parse(k.verifierKey().format())).isEqualTo(k.verifierKey());
        String vkey = k.verifierKey().format();
        String material = vkey.split("\\+", 3)[2];
        assertThat(java.util.Base64.getDecoder().decode(material)[0]).as(vkey).isEqualTo((byte) 4);
        String wrongId = k.format().replace("+" + KeyNames.hex(k.keyId()) + "+", "+00000000+");
        assertThatThrownBy(() -> SigningKey.parse(wrongId)).hasMessageContaining("does not match");
        assertThatThrownBy(() -> SigningKey.parse("PRIVATE+KEY+x+00000000+AAAA")).hasMessageContaining("32-byte");
    }

    @Test
    void theSameSeedUnderTwoTypesHasTwoKeyIds() {
        byte[] seed = new byte[32];
        SigningKey a = SigningKey.fromSeed("n", SignatureType.ED25519, seed);
        SigningKey b = SigningKey.fromSeed("n", SignatureType.COSIGNATURE_V1, seed);
        assertThat(a.keyId()).isNotEqualTo(b.keyId());
        assertThat(a.verifierKey().publicKey()).isEqualTo(b.verifierKey().publicKey());
    }
}
