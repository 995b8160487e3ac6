package org.kalaja.engine.witness;

import java.net.URI;
import java.util.List;
import org.kalaja.ledger.Note;

/**
 * What one witness did with one checkpoint the log submitted. Exactly one of four outcomes; an
 * {@link Alarm} is a witness's evidence that the log's history was rewritten, and callers MUST surface
 * it to operators as such, never as a mere failure to reach the witness.
 */
public sealed interface WitnessResult {
    /** The witness's submission URL prefix. */
    URI witness();

    /** What happened, in words for an operator. */
    String detail();

    /** The witness cosigned; {@code cosignatures} verified against its key. */
    record Cosigned(URI witness, List<Note.Signature> cosignatures, String detail) implements WitnessResult {
        public Cosigned {
            cosignatures = List.copyOf(cosignatures);
        }
    }

    /**
     * The witness refused because the checkpoint contradicts what it cosigned before: it had
     * cosigned a larger tree ({@link Kind#ROLLBACK}) or found the checkpoint inconsistent with its
     * record (HTTP 422, {@link Kind#FORK}).
     */
    record Alarm(URI witness, Kind kind, long witnessSize, long checkpointSize, String detail) implements WitnessResult {}

    /**
     * The witness refused for a reason that says nothing about the log's history: it does not know the
     * log or trust its key (404, 403), it found the request malformed (400), its answer could not be
     * verified, or the log could not produce a proof. Needs an operator, not a retry.
     */
    record Refused(URI witness, int status, String detail) implements WitnessResult {}

    /** The witness could not be reached, timed out or was unavailable (5xx); retrying may help. */
    record Unreachable(URI witness, String detail) implements WitnessResult {}

    /** The two kinds of alarm. */
    enum Kind {
        /** The witness cosigned a larger tree than the checkpoint submitted: the log went back in time. */
        ROLLBACK,
        /** The witness found the checkpoint inconsistent with the tree it cosigned: two histories exist. */
        FORK
    }
}
