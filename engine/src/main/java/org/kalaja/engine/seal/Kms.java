package org.kalaja.engine.seal;

import java.util.List;

/**
 * A key-management service holding Kalaja's key-encryption keys (KEKs): the service provider
 * interface behind sealing.
 *
 * <p>A KEK wraps (encrypts) data keys; the data keys seal record bodies. The wrapped data keys are
 * log entries (collection {@code kalaja.keys}), shipped to the vaults like any entry, so a node
 * rebuilt from a vault needs only the KEKs of this service to read sealed data again.
 *
 * <p>Implementations MUST keep KEK material off the primary's disk in clear: a PKCS#11 token
 * ({@link Pkcs11Kms}, an HSM) never lets it out; the passphrase keystore ({@link PassphraseKms})
 * keeps it encrypted under a passphrase that is never stored. {@link #destroy} MUST make the KEK
 * unusable by this service for good: it is how crypto-shredding reaches the copies of wrapped
 * keys in the vaults, which can never be deleted.
 *
 * <p>Wrapping is AES-256-GCM under the KEK with a fresh 96-bit nonce; {@code context} is the
 * authenticated data (the data key's id), so a wrapped key cannot be passed off as another.
 * Thread-safe.
 */
public interface Kms extends AutoCloseable {
    /** What an operator reads in status output and errors: the kind of service and where it is. */
    String describe();

    /** The ids of the KEKs this service holds, oldest first. */
    List<String> keks();

    /** Creates a new KEK and returns its id ({@code kek-<n>}, n one more than the highest so far). */
    String create();

    /** {@code dataKey} encrypted under KEK {@code kek}: nonce ‖ ciphertext ‖ tag. */
    byte[] wrap(String kek, byte[] dataKey, byte[] context);

    /**
     * The data key inside {@code wrapped}.
     *
     * @throws KmsException MISSING if this service has no KEK {@code kek}; BROKEN if the wrapped
     *     bytes or their context do not authenticate under it
     */
    byte[] unwrap(String kek, byte[] wrapped, byte[] context);

    /** Destroys KEK {@code kek}; every key wrapped only under it becomes unreadable everywhere. */
    void destroy(String kek);

    @Override
    void close();

    /** The next id after {@code existing}: {@code kek-1}, {@code kek-2}, … */
    static String nextId(List<String> existing) {
        int highest = 0;
        for (String id : existing) {
            if (id.startsWith("kek-")) {
                try {
                    highest = Math.max(highest, Integer.parseInt(id.substring(4)));
                } catch (NumberFormatException ignored) {
                    // an id this version did not make; it does not take part in numbering
                }
            }
        }
        return "kek-" + (highest + 1);
    }
}
