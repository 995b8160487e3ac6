package org.kalaja.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
    static final String ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    @Test
    void parsesAndFormatsTheSpecExample() {
        String body = "example.com/behind-the-sofa\n20852163\n" + ROOT + "\n";
        Checkpoint cp = Checkpoint.parse(body);
        assertThat(cp).isEqualTo(new Checkpoint("example.com/behind-the-sofa", 20852163, Hash.fromBase64(ROOT)));
        assertThat(cp.body()).isEqualTo(body);
    }

    @Test
    void keepsExtensionLines() {
        String body = "o\n0\n" + ROOT + "\next one\next two\n";
        Checkpoint cp = Checkpoint.parse(body);
        assertThat(cp.extensions()).containsExactly("ext one", "ext two");
        assertThat(cp.body()).isEqualTo(body);
    }

    @Test
    void refusesEverythingNotCanonical() {
        String tail = "\n" + ROOT + "\n";
        for (String bad : List.of(
                "o\n1" + tail.substring(0, tail.length() - 1), // no final newline
                "o\n1\n", // two lines
                "\n1" + tail, // empty origin
                "o\n01" + tail, "o\n+1" + tail, "o\n-1" + tail, "o\n 1" + tail, "o\n1.0" + tail, "o\n" + tail,
                "o\n9223372036854775808" + tail, "o\n99999999999999999999" + tail,
                "o\n1\n" + ROOT.replace("=", "") + "\n", // unpadded
                "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", // non-zero trailing bits
                "o\n1\nAAAA\n", // not 32 bytes
                "o\n1" + tail + "\n", // empty extension line
                "o\n1" + tail + "ext\n\n")) {
            assertThatThrownBy(() -> Checkpoint.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Checkpoint.parse("o\n9223372036854775807" + tail).size()).isEqualTo(Long.MAX_VALUE);
        assertThat(Checkpoint.parse("o\n0" + tail).size()).isZero();
    }

    @Test
    void signedCheckpointVerifies() throws Exception {
        SigningKey log = SigningKey.generate("kalaja.example/log", SignatureType.ED25519);
        Checkpoint cp = new Checkpoint("kalaja.example/log", 7, Hash.sha256(new byte[0]));
        Note n = cp.sign(log);
        assertThat(Checkpoint.of(Note.parse(n.format()))).isEqualTo(cp);
        assertThat(n.verify(List.of(log.verifierKey()))).containsExactly(log.verifierKey());
    }
}
