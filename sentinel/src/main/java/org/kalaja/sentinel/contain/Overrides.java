package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.kalaja.engine.Caller;
import org.kalaja.ledger.EntryKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loosenings of a rule approved by two admins ({@code kalaja.overrides/<rule id>}): {@code disabled}
 * (its findings are ignored), {@code contain} (another action list) and {@code threshold} (a
 * correlation counting to another number). The sentinel applies {@code disabled} and {@code contain}
 * to findings itself; a {@code threshold} goes to the {@link Detector}, which alone counts events, at
 * approval and again at every start.
 */
final class Overrides {
    static final String COLLECTION = "kalaja.overrides";

    private static final Logger LOG = LoggerFactory.getLogger(Overrides.class);

    private final SystemRecords records;
    private final Detector detector;
    private final Map<String, JsonNode> byRule = new ConcurrentHashMap<>();

    Overrides(SystemRecords records, Detector detector) {
        this.records = records;
        this.detector = detector;
    }

    void load() {
        for (SystemRecords.Body b : records.list(COLLECTION)) {
            byRule.put(b.key(), b.json());
            if (!b.json().path("threshold").canConvertToLong()) continue;
            try {
                detector.raise(b.key(), b.json().get("threshold").asLong());
            } catch (IllegalArgumentException e) {
                LOG.warn("the approved threshold of rule {} cannot be applied ({}); the rule counts to its own", b.key(), e.getMessage());
            }
        }
    }

    /** The finding as the overrides of its rule leave it; empty when the rule is disabled. */
    Optional<Finding> apply(Finding f) {
        if (byRule.isEmpty()) return Optional.of(f);
        JsonNode o = byRule.get(f.rule().id());
        if (o == null) return Optional.of(f);
        if (o.path("disabled").asBoolean(false)) return Optional.empty();
        if (o.path("contain").isArray()) {
            List<String> actions = new ArrayList<>();
            o.get("contain").forEach(a -> actions.add(a.asText()));
            return Optional.of(f.withContain(actions));
        }
        return Optional.of(f);
    }

    /** @throws IllegalArgumentException unless params name a rule and at least one of threshold, contain, disabled */
    static void validate(JsonNode p) {
        if (!p.path("rule").isTextual() || p.get("rule").asText().isEmpty()) {
            throw new IllegalArgumentException("rule.raise needs \"rule\": the rule's id");
        }
        boolean threshold = p.path("threshold").canConvertToLong() && p.get("threshold").asLong() > 0;
        boolean contain = p.path("contain").isArray();
        boolean disabled = p.path("disabled").isBoolean();
        if (!threshold && !contain && !disabled) {
            throw new IllegalArgumentException("rule.raise needs \"threshold\" (a positive number), \"contain\" (a list of actions)"
                    + " or \"disabled\": true");
        }
    }

    String raise(Caller by, JsonNode params, String approval) {
        validate(params);
        String rule = params.get("rule").asText();
        if (params.path("threshold").canConvertToLong()) detector.raise(rule, params.get("threshold").asLong());
        ObjectNode body = params.deepCopy();
        body.put("approval", approval);
        records.write(EntryKind.CONFIG_CHANGED, by, COLLECTION, rule, body, -1);
        byRule.put(rule, body);
        return "override of rule " + rule + " in effect";
    }

    /** The overrides by rule id, for the evaluator and the status page. */
    Map<String, JsonNode> all() {
        return Map.copyOf(byRule);
    }
}
