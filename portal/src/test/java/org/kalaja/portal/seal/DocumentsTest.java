package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.VerifierKey;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Stored;

class DocumentsTest {
    @TempDir
    Path dir;
    PortalFixture f;
    Documents documents;

    @BeforeEach
    void open() throws Exception {
        f = PortalFixture.open(dir);
        documents = f.portal.documents();
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void issuedDocumentIsSealedRecordedAndListedForItsHolder() throws Exception {
        SealedDocument d = Issuing.issue(f);

        assertThat(d.id()).matches("D[0-9A-HJKMNP-TV-Z]{16}");
        DocumentNote content = d.content();
        assertThat(content.id()).isEqualTo(d.id());
        assertThat(content.holder()).isEqualTo("Arta Hoxha");
        assertThat(content.fields()).extracting(DocumentNote.Field::value).containsExactly("3 April 1998", "Tiranë Qarku Tiranë");
        Stored key = f.records().get(Documents.SEAL_KEYS, "civil-registry").orElseThrow();
        VerifierKey vkey = VerifierKey.parse(key.json().path("vkey").asText());
        assertThat(vkey.name()).isEqualTo("civil-registry.seal.127.0.0.1");
        assertThat(Note.parse(d.note()).verify(List.of(vkey))).containsExactly(vkey);
        assertThat(key.index()).isLessThan(d.logIndex());
        assertThat(f.records().get(Documents.DOCUMENTS, d.id()).orElseThrow().index()).isEqualTo(d.logIndex());

        assertThat(documents.ofHolder(Issuing.HOLDER, "arta")).containsExactly(d);
        assertThat(documents.forHolder(Issuing.HOLDER, "arta", d.id())).isEqualTo(d);
    }

    @Test
    void sealKeyFileIsPrivateAndReusedForTheNextDocument() throws Exception {
        SealedDocument first = Issuing.issue(f);
        SealedDocument second = Issuing.issue(f);

        Path file = dir.resolve("portal/seals/civil-registry.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Note.parse(first.note()).signatures().getFirst().keyId())
                .isEqualTo(Note.parse(second.note()).signatures().getFirst().keyId());
        assertThat(f.engine.history("portal.seal-keys", "civil-registry", Long.MAX_VALUE, 10)).hasSize(1);
        assertThat(first.id()).isNotEqualTo(second.id());
    }

    @Test
    void anotherCitizenNeitherReadsNorListsTheDocument() {
        SealedDocument d = Issuing.issue(f);

        assertThatThrownBy(() -> documents.forHolder(Issuing.OTHER, "besnik", d.id()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> documents.forHolder(Issuing.OTHER, "arta", d.id()))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> documents.ofHolder(Issuing.OTHER, "arta")).isInstanceOf(PortalException.class);
        assertThat(documents.ofHolder(Issuing.OTHER, "besnik")).isEmpty();
    }

    @Test
    void citizenCannotIssue() {
        assertThatThrownBy(() -> documents.issue(Issuing.HOLDER, Issuing.birthCertificate("arta")))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.FORBIDDEN));
        assertThat(documents.ofHolder(Issuing.HOLDER, "arta")).isEmpty();
    }

    @Test
    void onlyTheIssuingInstitutionRevokesAndTheTextStays() {
        SealedDocument d = Issuing.issue(f);

        assertThatThrownBy(() -> documents.revoke(Issuing.CLERK, "tax-office", d.id(), "wrong"))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> documents.revoke(Issuing.CLERK, "civil-registry", d.id(), "  "))
                .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.INVALID));
        SealedDocument r = documents.revoke(Issuing.CLERK, "civil-registry", d.id(), "Issued with a wrong\nplace of birth");

        assertThat(r.revoked()).isTrue();
        assertThat(r.revokedReason()).isEqualTo("Issued with a wrong place of birth");
        assertThat(r.note()).isEqualTo(d.note());
        assertThat(r.logIndex()).isEqualTo(d.logIndex());
        assertThat(documents.forHolder(Issuing.HOLDER, "arta", d.id()).revoked()).isTrue();
    }

    @Test
    void issuingInSafeModeIsRefusedAndLeavesNothingForTheHolder() {
        Issuing.issue(f); // registers the key while writes work
        f.engine.barrier().close("test incident");
        try {
            assertThatThrownBy(() -> Issuing.issue(f))
                    .isInstanceOfSatisfying(PortalException.class, e -> assertThat(e.kind()).isEqualTo(PortalException.Kind.SAFE_MODE));
            assertThat(documents.ofHolder(Issuing.HOLDER, "arta")).hasSize(1);
        } finally {
            f.engine.barrier().open();
        }
    }
}
