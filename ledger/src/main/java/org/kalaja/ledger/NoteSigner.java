package org.kalaja.ledger;

/**
 * Something that signs note texts (c2sp.org/signed-note). The pair ({@link #name()},
 * {@link #keyId()}) names the key in the signature line.
 */
public interface NoteSigner {
    /** The key name: non-empty, no Unicode spaces, no '+'. */
    String name();

    /** The 32-bit key ID, as an int holding the big-endian uint32. */
    int keyId();

    /**
     * Signs {@code text}, the complete note text including its final newline, and returns the
     * signature bytes that follow the key ID in the signature line.
     */
    byte[] sign(byte[] text);
}
