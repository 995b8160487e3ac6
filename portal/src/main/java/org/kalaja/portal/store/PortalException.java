package org.kalaja.portal.store;

/**
 * Why the portal could not do what a person asked. Pages turn each kind into what a citizen or clerk
 * should see: {@link Kind#SAFE_MODE} into the "service unavailable" page, {@link Kind#CONFLICT} into
 * "someone else changed this", {@link Kind#FORBIDDEN} and {@link Kind#NOT_FOUND} into a 404 page (never
 * saying whether another person's application exists), {@link Kind#ERASED} into "erased on request" (410).
 */
public final class PortalException extends RuntimeException {
    public enum Kind {
        /** The node is contained (safe mode): writes are refused, reads work. */
        SAFE_MODE,
        /** The sentinel refused this person (frozen account, blocked address). */
        CONTAINED,
        /** The record changed since it was read (optimistic concurrency). */
        CONFLICT,
        /** The input is not acceptable; the message says why in words for the person. */
        INVALID,
        /** The person may not do this. Shown as not found to citizens. */
        FORBIDDEN,
        NOT_FOUND,
        /** The store is unavailable or overloaded; try again shortly. */
        UNAVAILABLE,
        /**
         * The record was erased on request: the key that sealed it was destroyed (crypto-shredding). For
         * good: retrying cannot help, and no one, its former owner included, can read it again.
         */
        ERASED
    }

    private final Kind kind;

    public PortalException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public PortalException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
