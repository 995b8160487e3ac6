package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vectors from Go's golang.org/x/mod/sumdb/note (note_test.go) and from c2sp.org/signed-note: an
 * independent implementation's keys, key IDs and signatures.
 */
class GoNoteVectorsTest {
    static final String PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    static final String PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    static final String ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    static final String TEXT = "If you think cryptography is the answer to your problem,\n"
            + "then you don't know what your problem is.\n";
    static final String PETER_SIG =
            "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    static final String ENOCH_SIG =
            "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    @Test
    void privateKeyDerivesGosVerifierKeyAndKeyId() {
        SigningKey peter = SigningKey.parse(PETER_SKEY);
        assertThat(peter.keyId()).isEqualTo(0xc74f20a3);
        assertThat(peter.verifierKey().format()).isEqualTo(PETER_VKEY);
        assertThat(peter.format()).isEqualTo(PETER_SKEY);
        assertThat(VerifierKey.parse(PETER_VKEY).keyId()).isEqualTo(0xc74f20a3);
        assertThat(VerifierKey.parse(ENOCH_VKEY).keyId()).isEqualTo(0xaf0cfe78);
    }

    @Test
    void signingProducesGosSignatureByteForByte() {
        Note n = Note.sign(TEXT, SigningKey.parse(PETER_SKEY));
        assertThat(n.format()).isEqualTo(TEXT + "\n" + PETER_SIG);
    }

    @Test
    void verifiesGosNoteIgnoringUnknownSigners() throws Exception {
        Note n = Note.parse(TEXT + "\n" + PETER_SIG + ENOCH_SIG);
        VerifierKey peter = VerifierKey.parse(PETER_VKEY);
        assertThat(n.verify(List.of(peter))).containsExactly(peter);
        VerifierKey enoch = VerifierKey.parse(ENOCH_VKEY);
        assertThat(n.verify(List.of(enoch, peter))).containsExactly(peter, enoch);
        assertThatThrownBy(() -> Note.parse(TEXT + "\n" + ENOCH_SIG).verify(List.of(peter)))
                .isInstanceOf(NoteVerificationException.class).hasMessageContaining("no signature by a known key");
    }

    @Test
    void refusesGosMalformedNotes() {
        for (String bad : List.of(TEXT, TEXT + "\n", TEXT + "\n" + PETER_SIG.substring(0, PETER_SIG.length() - 1),
                "\u0001" + TEXT + "\n" + PETER_SIG,
                TEXT + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
                TEXT + "\n" + PETER_SIG.repeat(101))) {
            assertThatThrownBy(() -> Note.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        byte[] ff = (TEXT + "\n" + PETER_SIG).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] withFF = new byte[ff.length + 1];
        withFF[0] = (byte) 0xFF;
        System.arraycopy(ff, 0, withFF, 1, ff.length);
        assertThatThrownBy(() -> Note.parse(withFF)).hasMessageContaining("UTF-8 at byte 0");
        assertThat(Note.parse(TEXT + "\n" + PETER_SIG.repeat(100)).signatures()).hasSize(100);
    }

    @Test
    void refusesGosInvalidSignature() {
        String bad = PETER_SIG.substring(0, 60) + "ABCD" + PETER_SIG.substring(60);
        assertThatThrownBy(() -> Note.parse(TEXT + "\n" + bad).verify(List.of(VerifierKey.parse(PETER_VKEY))))
                .isInstanceOf(NoteVerificationException.class).hasMessageContaining("PeterNeumann+c74f20a3");
    }

    @Test
    void refusesGosBadVerifierKeys() {
        for (String bad : List.of(
                "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
                "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                "PeterNeumann+c74f20a3",
                "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T")) {
            assertThatThrownBy(() -> VerifierKey.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The example in c2sp.org/signed-note, "Verifier keys". */
    @Test
    void verifiesTheSignedNoteSpecExample() throws Exception {
        VerifierKey foo = VerifierKey.parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        Note n = Note.parse("This is an example message.\n\n— example.com/foo "
                + "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
        assertThat(n.verify(List.of(foo))).containsExactly(foo);
        assertThat(n.text()).isEqualTo("This is an example message.\n");
    }
}
