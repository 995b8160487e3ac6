package org.kalaja.sentinel.contain;

import java.time.Instant;
import java.util.List;
import org.kalaja.sentinel.sigma.Fields;

/**
 * Decides which rules an event makes match. Called on request threads: it MUST be thread-safe and cost
 * a few microseconds for an event no rule matches; a match MUST be returned to every caller whose
 * event keeps the rule's condition true, so that concurrent requests cannot slip past a threshold.
 */
public interface Detector {
    /** A detector that never matches. */
    Detector NONE = new Detector() {
        @Override
        public List<Finding> detect(Fields event, Instant time) {
            return List.of();
        }
    };

    List<Finding> detect(Fields event, Instant time);

    /** Drops windows idle longer than their span; called about once a second. */
    default void sweep(Instant now) {
    }

    /**
     * Counts the correlation {@code ruleId} to {@code threshold} from now on (an approved
     * {@code rule.raise}).
     *
     * @throws IllegalArgumentException when it has no such rule, or the rule has no threshold to raise
     */
    default void raise(String ruleId, long threshold) {
        throw new IllegalArgumentException("this detector has no rule " + ruleId);
    }

    /** How many rules it evaluates. */
    default int rules() {
        return 0;
    }
}
