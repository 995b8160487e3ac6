package org.kalaja.sentinel;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A request the sentinel refused before it ran, because of containment. The server maps it to HTTP:
 * {@link Kind#ACTOR_FROZEN} → 403 {@code actor_frozen}; {@link Kind#ADDRESS_BLOCKED} → 403
 * {@code address_blocked}; {@link Kind#SAFE_MODE} → 503 {@code safe_mode} with {@code Retry-After: 60};
 * each with header {@code Kalaja-Incident: <incidentId>} when there is one, and {@link #getMessage()}
 * as the error's {@code detail}: a sentence that says what happened, since when and how it is lifted.
 */
public final class ContainedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the request was refused. */
    public enum Kind { ACTOR_FROZEN, ADDRESS_BLOCKED, SAFE_MODE }

    private final Kind kind;
    private final String incidentId;
    private final Instant since;
    private final @Nullable Instant until;

    public ContainedException(Kind kind, String incidentId, Instant since, @Nullable Instant until, String detail) {
        super(detail, null, false, false);
        this.kind = kind;
        this.incidentId = incidentId;
        this.since = since;
        this.until = until;
    }

    public Kind kind() {
        return kind;
    }

    /** The incident that caused the containment, {@code ""} when none (e.g. an address blocked by hand). */
    public String incidentId() {
        return incidentId;
    }

    /** When the containment began. */
    public Instant since() {
        return since;
    }

    /** When it ends by itself (an address block); null when only an approval lifts it. */
    public @Nullable Instant until() {
        return until;
    }

    /** The message, for the API's {@code detail}. */
    public String detail() {
        return getMessage();
    }
}
