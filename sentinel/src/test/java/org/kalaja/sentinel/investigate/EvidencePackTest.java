package org.kalaja.sentinel.investigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.vault.DirectoryVault;
import org.kalaja.engine.vault.VaultPaths;
import org.kalaja.ledger.Checkpoint;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.Proofs;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.TlogProof;
import org.kalaja.testkit.PeerVerifier;
import org.kalaja.testkit.RequiresPeerVerifier;

class EvidencePackTest {
    @TempDir
    static Path dir;
    static AttackLog attack;
    static Timeline timeline;
    static ObjectNode stix;
    static EvidencePack.Anchor anchor;

    @BeforeAll
    static void attack() throws Exception {
        attack = new AttackLog(dir);
        timeline = attack.timeline();
        stix = StixBundle.of(attack.incident, timeline, "CERT-Example");
        anchor = attack.witnessedAnchor();
    }

    @AfterAll
    static void close() {
        attack.close();
    }

    private static EvidenceVerifier.Keys keys() {
        return new EvidenceVerifier.Keys(Optional.of(attack.identity.verifierKey()), List.of(attack.witness.verifierKey()),
                OptionalInt.of(1));
    }

    private static Path pack(String name) throws Exception {
        Path p = dir.resolve(name);
        EvidencePack.write(attack.store, timeline, stix, anchor, p);
        return p;
    }

    @Test
    void evidenceVerifiesOffline() throws Exception {
        Path p = pack("ok");
        EvidenceVerifier.Report r = EvidenceVerifier.verify(p, keys());
        assertThat(r.failures()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.entries()).isEqualTo(attack.expectedTimeline().size() + 1); // + the log's identity entry
        assertThat(r.blobs()).isEqualTo(1);
        assertThat(r.cosigners()).containsExactly("witness.example.org");
        assertThat(r.keysFromPack()).isEmpty();
        assertThat(Files.readString(p.resolve("entries/" + attack.attackerIndexes.get(1) + ".json"))).contains("unauthenticated",
                "RECORD_DELETE");
        EvidenceVerifier.Report fromPack = EvidenceVerifier.verify(p, EvidenceVerifier.Keys.none());
        assertThat(fromPack.ok()).isTrue();
        assertThat(fromPack.keysFromPack()).contains("log key", "witness keys");
    }

    @Test
    void packAgainstAVaultsPublishedCheckpointVerifies() throws Exception {
        Path root = Files.createDirectories(dir.resolve("vault"));
        try (DirectoryVault vault = DirectoryVault.open(root)) {
            byte[] note = anchor.checkpoint().toBytes();
            vault.put(VaultPaths.history(anchor.size()), note);
            vault.putCheckpoint(note);
            Path p = dir.resolve("from-vault");
            EvidencePack.Written w = EvidencePack.write(attack.store, timeline, stix, EvidencePack.Anchor.of(vault, anchor.keys()), p);
            assertThat(w.witnessed()).isTrue();
            assertThat(w.checkpointSize()).isEqualTo(anchor.size());
            assertThat(EvidenceVerifier.verify(p, keys()).failures()).isEmpty();
        }
    }

    @Test
    void evidenceWithAChangedEntryFailsNamingIt() throws Exception {
        Path p = pack("changed-entry");
        long index = attack.attackerIndexes.get(1);
        Path entry = p.resolve("entries/" + index + ".entry");
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 1] ^= 1;
        Files.write(entry, bytes);
        resealManifest(p, "entries/" + index + ".entry");
        EvidenceVerifier.Report r = EvidenceVerifier.verify(p, keys());
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).singleElement().asString().startsWith("entry " + index + " (entries/" + index + ".entry)")
                .contains("not proven");
    }

    @Test
    void evidenceWithAChangedFileFailsOnItsHash() throws Exception {
        Path p = pack("changed-timeline");
        Files.writeString(p.resolve("timeline.md"), "nothing happened\n");
        Files.writeString(p.resolve("extra.txt"), "added later\n");
        assertThat(EvidenceVerifier.verify(p, keys()).failures()).hasSize(2)
                .anySatisfy(f -> assertThat(f).startsWith("timeline.md: SHA-256"))
                .anySatisfy(f -> assertThat(f).startsWith("extra.txt: not listed"));
    }

    @Test
    void evidenceWithAProofForAnotherCheckpointFails() throws Exception {
        Path p = pack("other-checkpoint");
        attack.engine.put(Caller.of("token:later", "", ""), "births", "b9", "{\"n\":9}".getBytes(), -1, "").get();
        attack.log.integrate();
        Note newer = Note.parse(attack.log.checkpoint().orElseThrow());
        long index = attack.attackerIndexes.get(2);
        long size = Checkpoint.of(newer).size();
        TlogProof other = new TlogProof(new byte[0], index, Proofs.inclusionProof(index, size,
                (level, i, w) -> attack.store.tile(level, i).orElseThrow()), newer);
        Files.writeString(p.resolve("proofs/" + index + ".tlog-proof"), other.format());
        resealManifest(p, "proofs/" + index + ".tlog-proof");
        EvidenceVerifier.Report r = EvidenceVerifier.verify(p, keys());
        assertThat(r.failures()).singleElement().asString().startsWith("entry " + index + " (entries/" + index + ".entry)")
                .contains("checkpoint of size " + size).contains("not the pack's checkpoint");
    }

    @Test
    void evidenceCheckedWithAnotherLogKeyFails() throws Exception {
        Path p = pack("wrong-key");
        SigningKey impostor = SigningKey.generate(AttackLog.ORIGIN, SignatureType.ED25519);
        EvidenceVerifier.Report r = EvidenceVerifier.verify(p, new EvidenceVerifier.Keys(Optional.of(impostor.verifierKey()),
                List.of(attack.witness.verifierKey()), OptionalInt.of(1)));
        assertThat(r.ok()).isFalse();
        assertThat(r.failures()).anySatisfy(f -> assertThat(f).startsWith("checkpoint: "))
                .anySatisfy(f -> assertThat(f).startsWith("entry 0 (entries/0.entry)"));
    }

    @Test
    void packIsRefusedWhenTheCheckpointDoesNotCoverEveryEntry() throws Exception {
        Note old = attack.log.checkpoint().map(Note::parse).orElseThrow();
        Checkpoint small = new Checkpoint(AttackLog.ORIGIN, 3, attack.log.root(3));
        EvidencePack.Anchor tooSmall = new EvidencePack.Anchor(small.sign(attack.identity.key()), anchor.keys());
        assertThat(Checkpoint.of(old).size()).isGreaterThan(3);
        assertThatThrownBy(() -> EvidencePack.write(attack.store, timeline, stix, tooSmall, dir.resolve("small")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not cover entry");
    }

    @Test
    @RequiresPeerVerifier
    void goVerifiesEvidencePack(PeerVerifier go) throws Exception {
        Path p = pack("go");
        String vkey = attack.identity.vkey();
        List<String> witnesses = List.of(attack.witness.verifierKey().format());
        PeerVerifier.Result ok = go.verifyEvidence(p, vkey, witnesses).requireOk();
        assertThat(ok.inclusionChecked()).isEqualTo(attack.expectedTimeline().size() + 1);
        long index = attack.attackerIndexes.get(0);
        Path entry = p.resolve("entries/" + index + ".entry");
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 1] ^= 1;
        Files.write(entry, bytes);
        resealManifest(p, "entries/" + index + ".entry");
        PeerVerifier.Result bad = go.verifyEvidence(p, vkey, witnesses);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.error()).contains("entries/" + index + ".entry");
    }

    /** Rewrites one file's hash in the manifest, as an attacker who changed the file would, so only the proofs can tell. */
    private static void resealManifest(Path p, String file) throws Exception {
        ObjectNode m = (ObjectNode) TimelineFormat.JSON.readTree(p.resolve("MANIFEST.json").toFile());
        ((ObjectNode) m.get("files")).put(file, Hash.sha256(Files.readAllBytes(p.resolve(file))).hex());
        Files.write(p.resolve("MANIFEST.json"), TimelineFormat.bytes(m));
    }
}
