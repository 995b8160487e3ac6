package org.kalaja.engine.shipping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;

class ShippingRoundTest {
    private final MemoryLog log = new MemoryLog("registry.example/log");

    private static List<Hash> hashes(int n) {
        List<Hash> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(Hash.sha256(("bundle " + i).getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void aRoundsNoteNamesItsTreeAndEveryBundleAndVerifiesWithTheLogKeyOnly() {
        Hash root = Hash.sha256("root".getBytes(StandardCharsets.UTF_8));
        ShippingRound round = new ShippingRound(log.origin(), 250, 262, root, hashes(2));
        byte[] note = round.signedBy(log);

        assertThat(new String(note, StandardCharsets.UTF_8)).startsWith("kalaja shipping round v1\nregistry.example/log\n250 262 "
                + root.base64() + "\n" + hashes(2).get(0).hex() + "\n" + hashes(2).get(1).hex() + "\n\n\u2014 registry.example/log ");
        assertThat(ShippingRound.verify(note, log.key.verifierKey(), Optional.empty())).isEqualTo(round);
        assertThat(round.bundles()).extracting(b -> b.path()).containsExactly("tile/entries/000", "tile/entries/001.p/6");

        SigningKey other = SigningKey.generate("registry.example/log", SignatureType.ED25519);
        assertThatThrownBy(() -> ShippingRound.verify(note, other.verifierKey(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not signed by the log key");
        assertThatThrownBy(() -> new ShippingRound(log.origin(), 250, 262, root, hashes(1)))
                .hasMessageContaining("ships 2 bundles, not 1");
    }

    @Test
    void aLargeRoundListsItsBundlesInABlobThatMustMatchTheNote() {
        Hash root = Hash.sha256("root".getBytes(StandardCharsets.UTF_8));
        int bundles = ShippingRound.INLINE + 1;
        ShippingRound round = new ShippingRound(log.origin(), 0, 256L * bundles, root, hashes(bundles));
        byte[] list = round.listBlob().orElseThrow();
        byte[] note = round.signedBy(log);

        assertThat(Note.parse(note).text()).endsWith("list " + Hash.sha256(list).hex() + "\n").hasLineCount(4);
        assertThat(ShippingRound.verify(note, log.key.verifierKey(), Optional.of(list))).isEqualTo(round);
        byte[] altered = list.clone();
        altered[0] ^= 1;
        assertThatThrownBy(() -> ShippingRound.verify(note, log.key.verifierKey(), Optional.of(altered)))
                .hasMessageContaining("not the one its note names");
        assertThatThrownBy(() -> ShippingRound.verify(note, log.key.verifierKey(), Optional.empty())).hasMessageContaining("is missing");
    }

    @Test
    void aCheckpointIsNeverSignedAsARound() {
        String checkpoint = "registry.example/log\n5\n" + Hash.sha256(new byte[0]).base64() + "\n";
        assertThatThrownBy(() -> ShippingRound.verify(Note.sign(checkpoint, log.key).format().getBytes(StandardCharsets.UTF_8),
                log.key.verifierKey(), Optional.empty())).hasMessageContaining("not a shipping round");
    }
}
