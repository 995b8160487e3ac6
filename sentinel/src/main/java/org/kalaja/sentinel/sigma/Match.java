package org.kalaja.sentinel.sigma;

import java.time.Instant;
import java.util.Map;

/**
 * A rule that holds for an event: a single-event rule that matched, or a correlation whose condition is
 * true for one group after the event was counted.
 *
 * @param group the group-by field values of the correlation ({@code {user.id=token:…}}); for a single-event
 *              rule the event's {@code user.id} and {@code source.ip} (absent fields left out)
 * @param count what the condition measured: events, distinct values, the sum, or the rules seen; 1 for a
 *              single-event rule
 * @param first the earliest event still counted in the window (the event's time for a single-event rule)
 * @param last  the time of the event that was just counted
 */
public record Match(Rule rule, Map<String, Object> group, long count, Instant first, Instant last) {
    public Match {
        group = Map.copyOf(group);
    }
}
