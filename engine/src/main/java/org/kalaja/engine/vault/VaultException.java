package org.kalaja.engine.vault;

/**
 * A vault could not do what was asked.
 *
 * <p>{@link #retryable()} separates a vault that is down (I/O error, full disk, network, throttling:
 * trying the same call again later may succeed, and the caller MUST keep what it wanted to ship) from a
 * vault that refused (tampering, a checkpoint missing from the history or older than the published
 * one: trying again cannot help and an operator must look). Drivers MUST translate their storage's
 * errors into this type, with the path and what an operator should do in the message, and MUST NOT
 * put secrets in it.
 */
public sealed class VaultException extends RuntimeException permits VaultTamperException {
    private final boolean retryable;

    public VaultException(String message, boolean retryable) {
        super(message);
        this.retryable = retryable;
    }

    public VaultException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** True if the same call may succeed later; false if the vault refused and will keep refusing. */
    public boolean retryable() {
        return retryable;
    }
}
