package org.kalaja.ledger;

/**
 * A tlog-proof that does not prove what it claims: wrong origin, no valid log signature, too few
 * witness cosignatures, or an inclusion proof that does not lead to the checkpoint's root. The cause,
 * if any, is the {@link NoteVerificationException} or {@link ProofException} with the details.
 */
public final class TlogProofException extends Exception {
    private static final long serialVersionUID = 1L;

    public TlogProofException(String message) {
        super(message);
    }

    public TlogProofException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
