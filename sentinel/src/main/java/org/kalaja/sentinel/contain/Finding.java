package org.kalaja.sentinel.contain;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.Incident;

/**
 * A rule's match, with what containment needs to know of the rule: its {@code kalaja.contain} actions
 * and {@code scope}, and how long an incident stays the same incident.
 *
 * @param rule      the rule, as the incident records it
 * @param contain   {@code alert}, {@code revoke}, {@code revoke_target}, {@code freeze},
 *                  {@code block_address}, {@code safe_mode}, {@code safe_mode_provisional}; unknown
 *                  names are recorded and otherwise ignored (another piece acts on {@code audit_now})
 * @param scope     {@code actor} or {@code actor_and_created} (also every token the actor created, transitively)
 * @param blockFor  how long {@code block_address} blocks
 * @param timespan  a later match of the same rule and group within this time of detection updates the
 *                  incident instead of opening another
 * @param group     the group-by values, e.g. {@code {user.id=token:…}}
 * @param first     the time of the first event of the window
 */
public record Finding(Incident.Rule rule, List<Incident.Technique> techniques, String attackVersion, List<String> contain,
        String scope, Duration blockFor, Duration timespan, Map<String, Object> group, long count, Instant first, Instant last) {

    public Finding {
        techniques = List.copyOf(techniques);
        contain = List.copyOf(contain);
        group = Map.copyOf(group);
    }

    /** The group's value of {@code field} when it is a single string. */
    @Nullable String groupValue(String field) {
        return group.get(field) instanceof String s && !s.isEmpty() ? s : null;
    }

    /** The group as one comparable string: its fields in name order. */
    String groupKey() {
        return new TreeMap<>(group).toString();
    }

    /** This finding with another action list, e.g. after an administrator's override of the rule. */
    Finding withContain(List<String> actions) {
        return new Finding(rule, techniques, attackVersion, actions, scope, blockFor, timespan, group, count, first, last);
    }
}
