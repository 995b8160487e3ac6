package org.kalaja.sentinel;

/**
 * A two-person approval that could not be requested, granted or cancelled. The server maps
 * {@link Kind#CONFLICT} → 409 {@code approval_conflict}, {@link Kind#NOT_INDEPENDENT} → 403
 * {@code approver_not_independent}, {@link Kind#EXPIRED} → 410 {@code approval_expired},
 * {@link Kind#NOT_FOUND} → 404 {@code not_found}, {@link Kind#INVALID} → 400 {@code invalid_request},
 * {@link Kind#FORBIDDEN} → 403 {@code forbidden}; the message is the {@code detail}.
 */
public final class ApprovalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind { CONFLICT, NOT_INDEPENDENT, EXPIRED, NOT_FOUND, INVALID, FORBIDDEN }

    private final Kind kind;

    public ApprovalException(Kind kind, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
