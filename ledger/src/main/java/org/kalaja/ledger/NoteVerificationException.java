package org.kalaja.ledger;

/**
 * A signed note that must not be trusted: a signature from a known key failed, or no signature
 * from a known key was present. The message names the keys involved.
 */
public final class NoteVerificationException extends Exception {
    private static final long serialVersionUID = 1L;

    public NoteVerificationException(String message) {
        super(message);
    }
}
