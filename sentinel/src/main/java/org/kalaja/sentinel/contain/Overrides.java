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

/**
 * Loosenings of a rule approved by two admins ({@code kalaja.overrides/<rule id>}): {@code disabled}
 * (its findings are recorded as alerts only... no: ignored), {@code contain} (a shorter action list) and
 * {@code threshold} (a higher threshold). The sentinel applies {@code disabled} and {@code contain} to
 * findings itself; {@code threshold} is recorded for the evaluator, which alone counts events.
 */
final class Overrides {
    static final String COLLECTION = "kalaja.overrides";

    private final SystemRecords records;
    private final Map<String, JsonNode> byRule = new ConcurrentHashMap<>();

    Overrides(SystemRecords records) {
        this.records = records;
    }

    void load() {
        for (SystemRecords.Body b : records.list(COLLECTION)) byRule.put(b.key(), b.json());
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
        ObjectNode body = params.deepCopy();
        body.put("approval", approval);
        records.write(EntryKind.CONFIG_CHANGED, by, COLLECTION, rule, body, -1);
        byRule.put(rule, body);
        return "override of rule " + rule + " recorded";
    }

    /** The overrides by rule id, for the evaluator and the status page. */
    Map<String, JsonNode> all() {
        return Map.copyOf(byRule);
    }
}
