package org.kalaja.portal.seal;

import org.kalaja.ledger.NoteSigner;
import org.kalaja.ledger.VerifierKey;

/**
 * Where institutions' seal keys live. The embedded default keeps them in files on the node
 * ({@link #inDirectory}); issue 6 moves them off the primary (an HSM through PKCS#11) behind this
 * same interface, which is why callers never see private key material.
 *
 * <p>Contract: {@link #key} MUST return the same key for an institution until it is rotated, and MUST
 * create one on first use; a key's name is {@code <institution>.seal.<portal host>} and its type Ed25519
 * (C2SP signed-note type 0x01), so outside tools such as Go's {@code sumdb/note} verify seals with the
 * vkey alone. Implementations are thread-safe.
 */
public interface SealKeys {
    /** An institution's seal key: its public half and something that signs with the private half. */
    record SealKey(VerifierKey vkey, NoteSigner signer) {}

    /**
     * The institution's current seal key, created on first use.
     *
     * @throws java.io.UncheckedIOException if the key cannot be read or stored
     */
    SealKey key(String institution);

    /**
     * Keys in files {@code <dir>/<institution>.key} (SigningKey text form, mode 0600), named for
     * {@code host}. The weaker embedded default: anyone with root on the node can read them.
     */
    static SealKeys inDirectory(java.nio.file.Path dir, String host) {
        return new FileSealKeys(dir, host);
    }
}
