package org.kalaja.engine.spi;

/**
 * The store could not do what was asked; nothing of the failed operation was kept.
 *
 * <p>Drivers MUST translate their database's errors into this type and MUST NOT let a failed
 * transaction leave partial effects. {@link #retryable()} says whether trying again later may succeed
 * (database busy, connection lost, disk full that an operator may fix) as opposed to a defect.
 */
public class StoreException extends RuntimeException {
    private final boolean retryable;

    public StoreException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public StoreException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
