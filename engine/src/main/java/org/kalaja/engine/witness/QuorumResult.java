package org.kalaja.engine.witness;

import java.util.List;
import java.util.stream.Collectors;
import org.kalaja.ledger.Note;

/**
 * What a {@link WitnessPolicy} collected for one checkpoint: {@link Reached} when at least the
 * quorum of witnesses cosigned, {@link Missed} otherwise. Either way {@link #results()} says what
 * each witness did, and {@link #alarms()} MUST be surfaced to operators even when the quorum was
 * reached: one witness that saw another history is evidence of an attack.
 */
public sealed interface QuorumResult {
    /** The submitted checkpoint with every cosignature collected added to its signatures. */
    Note checkpoint();

    /** How many cosignatures were needed. */
    int quorum();

    /** One result per witness, in the policy's order. */
    List<WitnessResult> results();

    /** The checkpoint may be published: it carries cosignatures of at least {@link #quorum()} witnesses. */
    record Reached(Note checkpoint, int quorum, List<WitnessResult> results) implements QuorumResult {
        public Reached {
            results = List.copyOf(results);
        }
    }

    /** The checkpoint MUST NOT be published as witnessed: too few witnesses cosigned it. */
    record Missed(Note checkpoint, int quorum, List<WitnessResult> results) implements QuorumResult {
        public Missed {
            results = List.copyOf(results);
        }
    }

    /** How many witnesses cosigned. */
    default int cosigned() {
        return (int) results().stream().filter(r -> r instanceof WitnessResult.Cosigned).count();
    }

    /** The witnesses' alarms: refusals because the checkpoint contradicts what they cosigned. */
    default List<WitnessResult.Alarm> alarms() {
        return results().stream().filter(r -> r instanceof WitnessResult.Alarm)
                .map(r -> (WitnessResult.Alarm) r).toList();
    }

    /** One line for an operator: the count against the quorum, then why each other witness did not cosign. */
    default String summary() {
        String others = results().stream().filter(r -> !(r instanceof WitnessResult.Cosigned))
                .map(WitnessResult::detail).collect(Collectors.joining("; "));
        return cosigned() + " of " + results().size() + " witnesses cosigned (quorum " + quorum() + ")"
                + (others.isEmpty() ? "" : "; " + others);
    }
}
