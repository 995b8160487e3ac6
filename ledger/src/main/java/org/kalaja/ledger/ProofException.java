package org.kalaja.ledger;

import java.util.List;

/**
 * A Merkle proof did not verify. The message carries the evidence an operator needs (leaf index or
 * sizes, the expected and computed roots, the proof's length); the accessors carry it for code.
 *
 * <p>Checked on purpose: a proof that fails is a normal outcome when talking to an untrusted log,
 * and callers MUST decide what it means (refuse a checkpoint, raise an alarm).
 */
public final class ProofException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<Hash> proof;
    private final transient Hash expectedRoot;
    private final transient Hash computedRoot;

    ProofException(String message, List<Hash> proof, Hash expectedRoot, Hash computedRoot) {
        super(message);
        this.proof = List.copyOf(proof);
        this.expectedRoot = expectedRoot;
        this.computedRoot = computedRoot;
    }

    /** The proof that failed, as given. */
    public List<Hash> proof() {
        return proof;
    }

    /** The root the proof was checked against. */
    public Hash expectedRoot() {
        return expectedRoot;
    }

    /**
     * The root the proof led to, or {@code null} when it was rejected before hashing (wrong length,
     * impossible index or sizes).
     */
    public Hash computedRoot() {
        return computedRoot;
    }
}
