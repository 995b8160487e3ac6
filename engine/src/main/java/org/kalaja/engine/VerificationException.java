package org.kalaja.engine;

/**
 * The log or the state derived from it is not what it should be. The message names the first
 * discrepancy found: where (entry index, tile, record), what was expected and what was found.
 */
public final class VerificationException extends Exception {
    public VerificationException(String message) {
        super(message);
    }
}
