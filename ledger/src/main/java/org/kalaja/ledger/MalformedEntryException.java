package org.kalaja.ledger;

/**
 * A byte string that is not the canonical encoding of an {@link Entry}. The message and
 * {@link #offset()} name the first offending byte, so a damaged entry in a vault can be located.
 */
public final class MalformedEntryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int offset;
    private final String problem;

    public MalformedEntryException(int offset, String problem) {
        super("malformed entry at byte " + offset + ": " + problem);
        this.offset = offset;
        this.problem = problem;
    }

    /** What is wrong, without the offset. */
    public String problem() {
        return problem;
    }

    /** The offset of the first byte that could not be accepted. */
    public int offset() {
        return offset;
    }
}
