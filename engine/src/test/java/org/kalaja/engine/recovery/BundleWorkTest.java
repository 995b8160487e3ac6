package org.kalaja.engine.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.ledger.Hash;

class BundleWorkTest {
    private static byte[] encode(String text, BodyType type, byte[] body) {
        return EntryCodec.encode(new Entry(EntryKind.RECORD_PUT, Instant.parse("2026-07-15T03:00:00Z"), "clerk-" + text, "10.0.0." + text.length(),
                "agent/" + text, "births", "key-" + text + text, text.length(), text.isEmpty() ? "" : "idem-" + text, type, body));
    }

    @Test
    void theBodyTypePeekFindsEveryBlobReferenceAndOnlyThose() {
        byte[] ref = new BlobRef(Hash.sha256("scan".getBytes(StandardCharsets.UTF_8)), 70_000, "application/json").toBody();
        for (String text : new String[] {"", "a", "é-ü", "x".repeat(300)}) {
            byte[] blob = encode(text, BodyType.BLOB_REF, ref);
            byte[] json = encode(text, BodyType.JSON, ("{\"t\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8));
            byte[] none = EntryCodec.encode(new Entry(EntryKind.ACCESS, Instant.EPOCH, "a", "", "", "births", text, 0, "", BodyType.NONE, new byte[0]));
            byte[] padded = new byte[blob.length + 7];
            System.arraycopy(blob, 0, padded, 3, blob.length);

            assertThat(BundleWork.mayReferenceBlob(blob, 0, blob.length)).as(text).isTrue();
            assertThat(BundleWork.mayReferenceBlob(padded, 3, blob.length)).as(text).isTrue();
            assertThat(BundleWork.mayReferenceBlob(json, 0, json.length)).as(text).isFalse();
            assertThat(BundleWork.mayReferenceBlob(none, 0, none.length)).as(text).isFalse();
        }
    }

    @Test
    void anythingUnexpectedIsLeftToTheFullDecode() {
        byte[] json = encode("a", BodyType.JSON, "{}".getBytes(StandardCharsets.UTF_8));
        byte[] otherVersion = json.clone();
        otherVersion[0] = 2;

        assertThat(BundleWork.mayReferenceBlob(otherVersion, 0, otherVersion.length)).isTrue();
        assertThat(BundleWork.mayReferenceBlob(json, 0, 12)).as("cut inside the strings").isTrue();
        assertThat(BundleWork.mayReferenceBlob(json, 0, 0)).isTrue();
    }
}
