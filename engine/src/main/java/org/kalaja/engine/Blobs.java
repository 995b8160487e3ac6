package org.kalaja.engine;

import org.kalaja.engine.EngineException.Problem;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.BlobRef;
import org.kalaja.ledger.Hash;

/**
 * Bodies too large for an entry live in content-addressed blobs; the entry holds a
 * {@link BlobRef}. The Merkle tree covers the reference, and through its hash the content: a blob
 * changed in the store is detected when it is read.
 */
final class Blobs {
    /** Bodies above this many bytes become blobs, leaving ample room for the entry's other fields. */
    static final int THRESHOLD = 60_000;

    private Blobs() {
    }

    static byte[] sha256(byte[] content) {
        return Hash.sha256Digest().digest(content);
    }

    static byte[] reference(byte[] content, String contentType) {
        return new BlobRef(Hash.sha256(content), content.length, contentType).toBody();
    }

    /** Reads the content a reference names, checking that it is exactly what the log committed to. */
    static byte[] resolve(Store store, byte[] reference) {
        BlobRef ref = BlobRef.fromBody(reference);
        byte[] content = store.blob(ref.sha256().bytes()).orElseThrow(() -> new EngineException(Problem.UNAVAILABLE,
                "blob " + ref.sha256() + " named by the log is missing from the store"));
        Hash found = Hash.sha256(content);
        if (content.length != ref.length() || !found.equals(ref.sha256())) {
            throw new EngineException(Problem.UNAVAILABLE, "blob " + ref.sha256()
                    + " in the store does not match the log (tampered or corrupted); found SHA-256 " + found);
        }
        return content;
    }
}
