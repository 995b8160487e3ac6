package org.kalaja.ledger;

/**
 * Something that checks note signatures from one key (c2sp.org/signed-note). A signature line is
 * checked by the verifier whose {@link #name()} and {@link #keyId()} both match it.
 */
public interface NoteVerifier {
    String name();

    /** The 32-bit key ID, as an int holding the big-endian uint32. */
    int keyId();

    /**
     * Whether {@code signature} (the bytes after the key ID) is valid for {@code text}. MUST NOT
     * throw for any input.
     */
    boolean verify(byte[] text, byte[] signature);
}
