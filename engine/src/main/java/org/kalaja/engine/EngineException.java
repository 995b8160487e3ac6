package org.kalaja.engine;

/**
 * A request the engine refused or could not carry out. Nothing was written.
 *
 * <p>{@link #problem()} says what kind of failure it is, so the HTTP layer can choose a status and
 * a client can decide whether to retry; the message says what happened in words an operator or API
 * user can act on.
 */
public final class EngineException extends RuntimeException {

    /** Kinds of failure, each with one meaning for clients. */
    public enum Problem {
        /** The request is malformed: bad name, body not a JSON object, bad parameter. Do not retry. */
        INVALID,
        /** The body is larger than the engine accepts. Do not retry. */
        TOO_LARGE,
        /** The record (or version, or token) does not exist. */
        NOT_FOUND,
        /** The expected version did not match the current one; read again, then retry. */
        VERSION_CONFLICT,
        /** An idempotency key was reused for a different request. Do not retry with that key. */
        IDEMPOTENCY_KEY_REUSED,
        /** Too many writes waiting; retry after a short pause. */
        OVERLOADED,
        /** The store could not commit (disk full, database unreachable); retry later. */
        UNAVAILABLE,
        /** The node refuses writes for now (shutting down, safe mode); retry later. */
        REFUSED,
        /** The data was erased on request: the key that sealed it was destroyed. Do not retry. */
        ERASED
    }

    private final Problem problem;

    public EngineException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    public EngineException(Problem problem, String message, Throwable cause) {
        super(message, cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return problem == Problem.OVERLOADED || problem == Problem.UNAVAILABLE || problem == Problem.REFUSED;
    }
}
