package org.kalaja.sentinel.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kalaja.sentinel.Incident;

/**
 * One loaded Sigma document: a detection rule or a correlation rule. Compiled matching lives in the
 * {@link RuleSet}; this is what findings, incidents and exports name.
 *
 * @param id     the document's {@code id} (a UUIDv4 for Kalaja's rules); when a document has none, its
 *               {@code name}, else {@code <file>#<document number>}
 * @param name   the document's {@code name} ("" when absent): correlations refer to rules by name or id
 * @param level  the Sigma level, {@code medium} when the document has none
 * @param tags   the Sigma tags as written ({@code attack.impact}, {@code attack.t1485}, …)
 * @param file   the file or classpath resource the rule came from
 * @param kalaja the custom {@code kalaja:} field (attack version, containment actions, scope, …), empty
 *               when absent; validated at load
 */
public record Rule(String id, String name, String title, String level, List<String> tags, String file,
        Map<String, Object> kalaja) {

    /** Containment actions a rule may ask for in {@code kalaja.contain}. */
    public static final List<String> CONTAIN_ACTIONS = List.of("alert", "revoke", "revoke_target", "freeze",
            "block_address", "safe_mode", "safe_mode_provisional", "audit_now", "repair");

    public Rule {
        tags = List.copyOf(tags);
        kalaja = Map.copyOf(kalaja);
    }

    /**
     * The ATT&CK techniques of the {@code attack.tNNNN[.NNN]} tags, in tag order, each under the first
     * tactic tag of the rule it belongs to. A technique the {@link AttackCatalog} does not know keeps its id,
     * an empty name and the rule's first tactic tag ("" when it has none).
     */
    public List<Incident.Technique> techniques() {
        List<String> tactics = tags.stream().filter(t -> t.startsWith("attack.") && !isTechnique(t))
                .map(t -> t.substring("attack.".length())).toList();
        List<Incident.Technique> out = new ArrayList<>();
        for (String t : tags) {
            if (!isTechnique(t)) continue;
            String id = t.substring("attack.".length());
            out.add(AttackCatalog.technique(id, tactics).orElseGet(() -> new Incident.Technique(id.toUpperCase(java.util.Locale.ROOT), "",
                    tactics.isEmpty() ? "" : AttackCatalog.tactic(tactics.getFirst()).orElse(tactics.getFirst()))));
        }
        return out;
    }

    /** {@code kalaja.attack_version}, else {@value AttackCatalog#VERSION}. */
    public String attackVersion() {
        return kalaja.get("attack_version") instanceof String v ? v : AttackCatalog.VERSION;
    }

    /** {@code kalaja.contain}, else {@code [alert]}; every element is one of {@link #CONTAIN_ACTIONS}. */
    public List<String> contain() {
        if (kalaja.get("contain") instanceof List<?> l && !l.isEmpty()) return l.stream().map(String::valueOf).toList();
        return List.of("alert");
    }

    /** The incident's view of this rule. */
    public Incident.Rule incidentRule() {
        return new Incident.Rule(id, name, title, level);
    }

    static boolean isTechnique(String tag) {
        return tag.matches("attack\\.t\\d{4}(\\.\\d{3})?");
    }
}
