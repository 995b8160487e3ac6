package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Cosignature;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.TlogProof;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.seal.Verification.Check;
import org.kalaja.portal.seal.Verification.Outcome;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Stored;
import org.kalaja.portal.store.Who;

class VerifierTest {
    @TempDir
    Path dir;
    PortalFixture f;
    Verifier verifier;

    @BeforeEach
    void open() throws Exception {
        f = PortalFixture.open(dir);
        verifier = Issuing.verifier(f, Issuing.current(f, List.of()));
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void issuedDocumentIsGenuineWithEveryCheckPassedAndAProofOthersCanCheck() throws Exception {
        SealedDocument d = Issuing.issue(f);

        Verification v = verifier.verify(d.id().toLowerCase());

        assertThat(v.found()).isTrue();
        assertThat(v.genuine()).isTrue();
        assertThat(v.proofPending()).isFalse();
        assertThat(v.revoked()).isFalse();
        assertThat(v.checks()).extracting(Check::name).containsExactly("Issuing entry", "Document text", "Institution e-seal",
                "Log checkpoint", "Entry in the log's tree", "Inclusion proof");
        assertThat(v.checks()).allMatch(Check::passed);
        assertThat(v.institutionName()).isEqualTo("General Directorate of Civil Status");
        assertThat(v.holderName()).isEqualTo("Arta Hoxha");
        assertThat(v.maskedPersonalNumber()).isEqualTo("J85*****1S");
        assertThat(v.issued()).isEqualTo(d.issued());
        assertThat(v.logIndex()).isEqualTo(d.logIndex());
        assertThat(v.checkpointSize()).isGreaterThan(d.logIndex());
        assertThat(v.checkpointSigners()).isEqualTo("signed by the log only");
        assertThat(v.rootHash()).isEqualTo(f.log.root(v.checkpointSize()).base64());

        TlogProof proof = TlogProof.parse(v.tlogProof());
        byte[] entry = f.store.entry(d.logIndex()).orElseThrow().data();
        proof.verifyEntry(entry, f.log.identity().origin(), VerifierKey.parse(f.log.vkey()), List.of(), 0);
        assertThat(proof.index()).isEqualTo(d.logIndex());
        assertThat(v.proof()).hasSize(proof.inclusionProof().size());
    }

    @Test
    void unknownOrMalformedIdIsNotFound() {
        Verification unknown = verifier.verify("D0000000000000000");
        assertThat(unknown.found()).isFalse();
        assertThat(unknown.genuine()).isFalse();
        assertThat(verifier.verify("not a number").found()).isFalse();
    }

    @Test
    void recordAlteredBehindThePortalsBackIsNotGenuine() {
        SealedDocument d = Issuing.issue(f);
        Stored s = f.records().get(Documents.DOCUMENTS, d.id()).orElseThrow();
        ObjectNode altered = s.json().deepCopy();
        altered.put("note", d.note().replace("holder Arta Hoxha", "holder Mallory Hoxha"));
        f.records().put(Who.SYSTEM, Documents.DOCUMENTS, d.id(), altered, s.version());

        Verification v = verifier.verify(d.id());

        assertThat(v.found()).isTrue();
        assertThat(v.genuine()).isFalse();
        assertThat(v.checks()).anyMatch(c -> c.failed() && c.name().equals("Issuing entry"));
    }

    @Test
    void documentSealedWithAKeyThatIsNotTheInstitutionsIsNotGenuine() {
        Issuing.issue(f); // the institution's real key is registered
        SigningKey impostor = SigningKey.generate("civil-registry.seal.127.0.0.1", SignatureType.ED25519);
        String id = "D0000000000000001";
        String note = Note.sign(text(id, "Arta Hoxha"), impostor).format();
        plant(id, note);

        Verification v = verifier.verify(id);

        assertThat(v.genuine()).isFalse();
        assertThat(failed(v)).extracting(Check::name).containsExactly("Institution e-seal");
    }

    @Test
    void documentWhoseTextWasChangedAfterSealingIsNotGenuine() {
        SealedDocument d = Issuing.issue(f);
        String id = "D0000000000000002";
        String signature = d.note().substring(d.note().lastIndexOf("\n\n") + 2);
        plant(id, text(id, "Mallory Hoxha") + "\n" + signature);

        Verification v = verifier.verify(id);

        assertThat(v.genuine()).isFalse();
        assertThat(failed(v)).extracting(Check::name).containsExactly("Institution e-seal");
    }

    @Test
    void revokedDocumentIsReportedRevokedWithItsReason() {
        SealedDocument d = Issuing.issue(f);
        f.portal.documents().revoke(Issuing.CLERK, "civil-registry", d.id(), "Issued in error");

        Verification v = verifier.verify(d.id());

        assertThat(v.genuine()).isTrue();
        assertThat(v.revoked()).isTrue();
        assertThat(v.revokedReason()).isEqualTo("Issued in error");
        assertThat(v.revokedAt()).isNotNull();
        assertThat(v.logIndex()).isEqualTo(d.logIndex());
    }

    @Test
    void documentNewerThanTheCheckpointIsGenuineWithProofPending() {
        f.log.integrate();
        String old = f.log.checkpoint().orElseThrow();
        SealedDocument d = Issuing.issue(f);
        Verifier behind = Issuing.verifier(f, source(old, List.of()));

        Verification v = behind.verify(d.id());

        assertThat(v.genuine()).isTrue();
        assertThat(v.proofPending()).isTrue();
        assertThat(v.checks().getLast().outcome()).isEqualTo(Outcome.PENDING);
        assertThat(v.tlogProof()).isEmpty();
    }

    @Test
    void witnessCosignaturesAreCountedAndAMissingOneFails() {
        SealedDocument d = Issuing.issue(f);
        f.log.integrate();
        SigningKey witness = SigningKey.generate("witness.example/w1", SignatureType.COSIGNATURE_V1);
        String vkey = witness.verifierKey().format();
        String plain = f.log.checkpoint().orElseThrow();
        String cosigned = Cosignature.cosign(Note.parse(plain), witness, Instant.now().getEpochSecond()).format();

        Verification ok = Issuing.verifier(f, source(cosigned, List.of(vkey))).verify(d.id());
        Verification missing = Issuing.verifier(f, source(plain, List.of(vkey))).verify(d.id());

        assertThat(ok.genuine()).isTrue();
        assertThat(ok.cosigners()).containsExactly("witness.example/w1");
        assertThat(ok.checkpointSigners()).isEqualTo("cosigned by 1 witness");
        assertThat(missing.genuine()).isFalse();
        assertThat(failed(missing)).extracting(Check::name).containsExactly("Log checkpoint");
    }

    @Test
    void checkpointNotSignedByTheLogKeyFails() {
        SealedDocument d = Issuing.issue(f);
        f.log.integrate();
        SigningKey other = SigningKey.generate(f.log.identity().origin(), SignatureType.ED25519);
        String forged = Note.sign(Note.parse(f.log.checkpoint().orElseThrow()).text(), other).format();

        Verification v = Issuing.verifier(f, source(forged, List.of())).verify(d.id());

        assertThat(v.genuine()).isFalse();
        assertThat(failed(v)).extracting(Check::name).containsExactly("Log checkpoint");
    }

    @Test
    void pastedTextVerifiesOnlyWhenIdenticalToTheIssuedDocument() {
        SealedDocument d = Issuing.issue(f);

        Verification same = verifier.verifyText(Who.SYSTEM, d.note().replace("\n", "\r\n") + "\r\n\r\n");
        Verification changed = verifier.verifyText(Who.SYSTEM, d.note().replace("holder Arta Hoxha", "holder Arta Hoxhaj"));
        Verification garbage = verifier.verifyText(Who.SYSTEM, "hello");

        assertThat(same.genuine()).isTrue();
        assertThat(same.checks()).anyMatch(c -> c.passed() && c.name().equals("Pasted text"));
        assertThat(changed.genuine()).isFalse();
        assertThat(failed(changed)).extracting(Check::name).containsExactly("Pasted text");
        assertThat(garbage.found()).isFalse();
    }

    @Test
    void documentIssuedBeforeAKeyRotationStillVerifiesWithTheKeyOfItsTime() {
        SealedDocument d = Issuing.issue(f);
        SigningKey next = SigningKey.generate("civil-registry.seal.127.0.0.1", SignatureType.ED25519);
        Stored reg = f.records().get(Documents.SEAL_KEYS, "civil-registry").orElseThrow();
        ObjectNode body = reg.json().deepCopy().put("vkey", next.verifierKey().format());
        f.records().put(Who.SYSTEM, Documents.SEAL_KEYS, "civil-registry", body, reg.version());
        String id = "D0000000000000003";
        plant(id, Note.sign(text(id, "Arta Hoxha"), oldKey()).format());

        assertThat(verifier.verify(d.id()).genuine()).isTrue();
        assertThat(verifier.verify(id).genuine()).as("the replaced key no longer seals new documents").isFalse();
    }

    private SigningKey oldKey() {
        try {
            return SigningKey.parse(java.nio.file.Files.readString(dir.resolve("portal/seals/civil-registry.key")).strip());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String text(String id, String holder) {
        return new DocumentNote(id, "civil-registry", "General Directorate of Civil Status", "Birth certificate", holder, "J85403021S",
                Instant.parse("2025-03-01T09:30:00Z"), "BC-2025-000123", List.of()).text();
    }

    /** Writes a document record as version 1, as an attacker with the portal's write access could. */
    private void plant(String id, String note) {
        ObjectNode doc = PortalRecords.JSON.createObjectNode().put("note", note).put("holderAccount", "arta").put("holderName", "Arta Hoxha")
                .put("institution", "civil-registry").put("institutionName", "General Directorate of Civil Status")
                .put("service", "birth-certificate").put("title", "Birth certificate").put("applicationRef", "BC-2025-000123")
                .put("issued", "2025-03-01T09:30:00Z").put("revoked", false);
        f.records().put(Who.SYSTEM, Documents.DOCUMENTS, id, doc, 0);
    }

    private static List<Check> failed(Verification v) {
        return v.checks().stream().filter(Check::failed).toList();
    }

    private CheckpointSource source(String checkpoint, List<String> witnesses) {
        return Issuing.source(f, () -> Optional.of(checkpoint), witnesses);
    }
}
