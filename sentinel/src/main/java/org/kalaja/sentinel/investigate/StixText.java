package org.kalaja.sentinel.investigate;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.investigate.Timeline.Item;
import org.kalaja.sentinel.investigate.Timeline.Why;

/** The words of the STIX bundle: descriptions, and the Incident Core extension's vocabularies. */
final class StixText {
    private StixText() {
    }

    static String incidentDescription(Incident inc, Timeline t) {
        long implicated = t.items().stream().filter(i -> i.why() == Why.IMPLICATED).count();
        return "Kalaja rule " + inc.rule().id() + " (" + inc.rule().title() + ", level " + inc.rule().level() + ") matched at "
                + inc.detected() + " for " + String.join(", ", inc.actors())
                + (inc.addresses().isEmpty() ? "" : " from " + String.join(", ", inc.addresses()))
                + "; the activity started at " + inc.started() + ". The implicated actors and addresses made " + implicated
                + " logged requests since " + t.since() + " and changed " + t.affected().size() + " records. Kalaja's response: "
                + (inc.actions().isEmpty() ? "none yet" : String.join("; ", inc.actions())) + ". Status: " + inc.status().id()
                + ". Every event named here is an entry of the node's verifiable log " + t.node()
                + "; the evidence pack holds each with an inclusion proof against a cosigned checkpoint.";
    }

    /** Incident Core {@code incident-determination-enum}. */
    static String determination(Incident inc, Timeline t) {
        return switch (inc.status()) {
            case FALSE_POSITIVE -> "false-positive";
            case OPEN -> "suspected";
            default -> t.affected().isEmpty() ? "blocked" : "successful-attempt";
        };
    }

    /** Incident Core {@code incident-investigation-ov}. */
    static String investigationStatus(Incident.Status status) {
        return switch (status) {
            case CLOSED, FALSE_POSITIVE -> "closed";
            default -> "open";
        };
    }

    /** Sigma levels on the Incident Core criticality scale (its "5 qualitative" mapping). */
    static int criticality(String level) {
        return switch (level.toLowerCase(Locale.ROOT)) {
            case "critical" -> 95;
            case "high" -> 70;
            case "medium" -> 40;
            case "low" -> 15;
            default -> 0;
        };
    }

    /** Incident Core {@code incident-type-ov} values for the incident's techniques; never empty. */
    static Set<String> incidentTypes(Incident inc) {
        Set<String> types = new TreeSet<>();
        for (Incident.Technique t : inc.techniques()) {
            String base = t.id().contains(".") ? t.id().substring(0, t.id().indexOf('.')) : t.id();
            switch (base) {
                case "T1485", "T1486", "T1490", "T1565" -> types.add("destruction");
                case "T1567", "T1530" -> types.add("unauthorized-release");
                case "T1213", "T1078", "T1110" -> types.add("unauthorized-access");
                case "T1098", "T1562" -> types.add("compromised-system");
                default -> types.add("unauthorized-use");
            }
        }
        if (types.isEmpty()) types.add("unauthorized-use");
        return types;
    }

    /** What Kalaja did for one of the incident's actions, with the log entries that record it. */
    static String actionDescription(String action, Timeline t) {
        String verb = action.contains(" ") ? action.substring(0, action.indexOf(' ')) : action;
        String auditAction = switch (verb) {
            case "revoke", "revoke_target" -> "token.revoke";
            case "freeze" -> "actor.freeze";
            case "block_address" -> "address.block";
            case "safe_mode", "safe_mode_provisional" -> "safe_mode.enter";
            case "undo" -> "undo";
            default -> "";
        };
        String entries = t.items().stream().filter(i -> i.why() == Why.CONTAINMENT || i.why() == Why.UNDO)
                .filter(i -> i.action().equals(auditAction)).map(StixText::at).collect(Collectors.joining(", "));
        return "Taken by Kalaja: " + action + "." + (entries.isEmpty() ? "" : " Log entries: " + entries + ".");
    }

    private static String at(Item i) {
        return "index " + i.index() + " at " + i.time();
    }
}
