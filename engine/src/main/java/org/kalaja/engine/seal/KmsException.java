package org.kalaja.engine.seal;

/** A key-management failure, with what the operator must do about it in the message. */
public final class KmsException extends RuntimeException {
    /** What went wrong. */
    public enum Kind {
        /** The service is not reachable or refuses to open (wrong PIN or passphrase, no token). */
        UNAVAILABLE,
        /** The service has no KEK by the requested id (destroyed, or another service). */
        MISSING,
        /** Wrapped bytes that do not authenticate: damaged or not what they claim to be. */
        BROKEN
    }

    private final Kind kind;

    public KmsException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public KmsException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
