package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TlogProof;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.testkit.PeerVerifier;
import org.kalaja.testkit.RequiresPeerVerifier;

/**
 * The tlog-proof the verification API hands out, checked by Go's {@code sumdb/tlog} and {@code sumdb/note}
 * (testkit's peer verifier, evidence-pack mode) against the document's entry bytes: an outside tool
 * agrees that the document is in the log under the log's key. (The peer verifier checks checkpoint
 * notes only; the seal itself is cross-checked with Go in {@link DocumentNoteTest}'s vector.)
 */
class GoPeerVerifiesDocumentProofTest {
    @TempDir
    Path dir;

    @Test
    @RequiresPeerVerifier
    void goAcceptsTheDocumentsProofAndRejectsAnotherEntry(PeerVerifier go) throws Exception {
        try (PortalFixture f = PortalFixture.open(Files.createDirectories(dir.resolve("node")))) {
            SealedDocument d = Issuing.issue(f);
            Verification v = Issuing.verifier(f, Issuing.current(f, List.of())).verify(d.id());
            assertThat(v.genuine()).isTrue();
            TlogProof proof = TlogProof.parse(v.tlogProof());
            byte[] entry = f.store.entry(d.logIndex()).orElseThrow().data();
            byte[] other = f.store.entry(d.logIndex() - 1).orElseThrow().data();

            Path good = pack(dir.resolve("good"), f.log.identity().origin(), d.logIndex(), entry, proof);
            Path bad = pack(dir.resolve("bad"), f.log.identity().origin(), d.logIndex(), other, proof);

            PeerVerifier.Result ok = go.verifyEvidence(good, f.log.vkey(), List.of()).requireOk();
            assertThat(ok.inclusionChecked()).isEqualTo(1);
            assertThat(ok.root()).isEqualTo(v.rootHash());
            assertThat(go.verifyEvidence(bad, f.log.vkey(), List.of()).ok()).isFalse();
        }
    }

    /** A kalaja-evidence/v1 pack holding one entry and its proof, with the manifest's SHA-256 of each file. */
    private static Path pack(Path root, String origin, long index, byte[] entry, TlogProof proof) throws Exception {
        Files.createDirectories(root.resolve("entries"));
        Files.createDirectories(root.resolve("proofs"));
        ObjectNode m = PortalRecords.JSON.createObjectNode().put("format", "kalaja-evidence/v1").put("origin", origin);
        ObjectNode files = m.putObject("files");
        write(root, "checkpoint", proof.checkpoint().toBytes(), files);
        write(root, "entries/" + index + ".entry", entry, files);
        write(root, "proofs/" + index + ".tlog-proof", proof.format().getBytes(StandardCharsets.UTF_8), files);
        m.putArray("entries").addObject().put("index", index).put("why", "sealed document");
        Files.write(root.resolve("MANIFEST.json"), PortalRecords.JSON.writeValueAsBytes(m));
        return root;
    }

    private static void write(Path root, String rel, byte[] data, ObjectNode files) throws Exception {
        Files.write(root.resolve(rel), data);
        files.put(rel, HexFormat.of().formatHex(Hash.sha256(data).bytes()));
    }
}
