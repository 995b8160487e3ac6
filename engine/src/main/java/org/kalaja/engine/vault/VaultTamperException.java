package org.kalaja.engine.vault;

import java.util.Objects;
import org.kalaja.ledger.Hash;

/**
 * A write-once path already holds different content from what was offered for it: somebody changed
 * the vault, or a second writer shipped a different log under the same paths. Either way it is
 * evidence, never retryable; the vault keeps (and {@link Vault#get} returns) what it holds.
 */
public final class VaultTamperException extends VaultException {
    private final String path;
    private final Hash heldSha256;
    private final Hash offeredSha256;

    /**
     * @param path the vault path
     * @param heldSha256 SHA-256 of the content the vault holds at {@code path}
     * @param offeredSha256 SHA-256 of the different content offered for it
     */
    public VaultTamperException(String path, Hash heldSha256, Hash offeredSha256) {
        super("vault path " + path + " already holds different content (held sha256 " + heldSha256.hex()
                + ", offered sha256 " + offeredSha256.hex() + "): either the vault was tampered with (an attack)"
                + " or a second writer ships a different log to it; the vault keeps what it holds."
                + " Stop shipping to this vault and investigate", false);
        this.path = Objects.requireNonNull(path, "path");
        this.heldSha256 = heldSha256;
        this.offeredSha256 = offeredSha256;
    }

    public String path() {
        return path;
    }

    /** SHA-256 of what the vault holds at {@link #path()}. */
    public Hash heldSha256() {
        return heldSha256;
    }

    /** SHA-256 of what was offered and refused. */
    public Hash offeredSha256() {
        return offeredSha256;
    }
}
