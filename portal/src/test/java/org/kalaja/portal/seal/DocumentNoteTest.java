package org.kalaja.portal.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.Note;
import org.kalaja.ledger.SignatureType;
import org.kalaja.ledger.SigningKey;
import org.kalaja.ledger.VerifierKey;

class DocumentNoteTest {
    /** The vector of docs/portal/DOCUMENTS.md: seed 32 bytes of 0x07, Ed25519 is deterministic. */
    static final SigningKey VECTOR_KEY = SigningKey.fromSeed("civil-registry.seal.e-services.example", SignatureType.ED25519, filled(7));
    static final String VECTOR_TEXT = """
            kalaja.document/v1
            id D7K2M9QX4T1B8C3VA
            institution civil-registry General Directorate of Civil Status
            title Birth certificate
            holder Arta Hoxha
            personal-number J85403021S
            issued 2025-03-01T09:30:00Z
            application BC-2025-000123
            field Date of birth: 3 April 1998
            field Place of birth: Tiranë
            """;

    static DocumentNote vector() {
        return new DocumentNote("D7K2M9QX4T1B8C3VA", "civil-registry", "General Directorate of Civil Status", "Birth certificate",
                "Arta Hoxha", "J85403021S", Instant.parse("2025-03-01T09:30:00.250Z"), "BC-2025-000123",
                List.of(new DocumentNote.Field("Date of birth", "3 April 1998"), new DocumentNote.Field("Place of birth", "Tiranë")));
    }

    @Test
    void textFollowsTheDocumentedLayoutToTheByte() {
        assertThat(vector().text()).isEqualTo(VECTOR_TEXT);
    }

    @Test
    void documentedVectorSignatureIsWhatTheSealKeyProduces() throws Exception {
        String signed = Note.sign(VECTOR_TEXT, VECTOR_KEY).format();
        assertThat(VECTOR_KEY.verifierKey().format()).isEqualTo(DocumentVector.VKEY);
        assertThat(signed).isEqualTo(DocumentVector.SIGNED);
        assertThat(Note.parse(DocumentVector.SIGNED).verify(List.of(VerifierKey.parse(DocumentVector.VKEY)))).hasSize(1);
    }

    @Test
    void parseReadsBackEveryLine() {
        DocumentNote n = DocumentNote.parse(VECTOR_TEXT);
        assertThat(n).isEqualTo(vector());
        assertThat(n.issued()).isEqualTo(Instant.parse("2025-03-01T09:30:00Z"));
        assertThat(n.fields()).extracting(DocumentNote.Field::value).containsExactly("3 April 1998", "Tiranë");
    }

    @Test
    void newlinesAndControlCharactersInValuesBecomeSingleSpaces() {
        DocumentNote n = new DocumentNote("D0000000000000000", "civil-registry", "Registry", "Title\r\nInjected line",
                "  Arta\tHoxha ", "J1", Instant.EPOCH, "", List.of(new DocumentNote.Field("Note: extra", "a\u2028b\u0085c")));
        assertThat(n.text()).contains("title Title Injected line\n", "holder Arta Hoxha\n", "application -\n",
                "field Note extra: a b c\n");
        assertThat(n.text().lines()).hasSize(9);
        assertThat(DocumentNote.parse(n.text())).isEqualTo(n);
    }

    @Test
    void parseRefusesTextThatIsNotCanonical() {
        assertThatThrownBy(() -> DocumentNote.parse(VECTOR_TEXT.replace("holder Arta Hoxha", "holder Arta  Hoxha")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DocumentNote.parse(VECTOR_TEXT.replace("issued 2025-03-01T09:30:00Z", "issued 2025-03-01T09:30Z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DocumentNote.parse(VECTOR_TEXT.replace("kalaja.document/v1", "kalaja.document/v2")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DocumentNote.parse(VECTOR_TEXT.replace("field Place of birth: Tiranë", "field Place of birth Tiranë")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DocumentNote.parse(VECTOR_TEXT.replace("\n", "\r\n")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void institutionIdMustBeAToken() {
        assertThatThrownBy(() -> new DocumentNote("D0000000000000000", "Civil Registry", "n", "t", "h", "p", Instant.EPOCH, "a", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void documentIdsAreCanonicalAndLookAlikesAreForgiven() {
        assertThat(Documents.normalizeId(" d7k2-m9qx-4tIb-8c3v-a ")).contains("D7K2M9QX4T1B8C3VA");
        assertThat(Documents.normalizeId("D7K2M9QX4TOB8C3VA")).contains("D7K2M9QX4T0B8C3VA");
        assertThat(Documents.normalizeId("D7K2M9QX4T1B8C3V")).isEmpty();
        assertThat(Documents.normalizeId("X7K2M9QX4T1B8C3VA")).isEmpty();
        assertThat(Documents.normalizeId("D7K2M9QX4T1B8C3VU")).isEmpty();
    }

    @Test
    void personalNumbersAreMaskedButForTheirEnds() {
        assertThat(Verification.mask("J85403021S")).isEqualTo("J85*****1S");
        assertThat(Verification.mask("1234")).isEqualTo("****");
    }

    private static byte[] filled(int b) {
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) b);
        return s;
    }
}
