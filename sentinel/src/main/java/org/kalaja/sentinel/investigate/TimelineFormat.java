package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.investigate.Timeline.AffectedRecord;
import org.kalaja.sentinel.investigate.Timeline.Item;
import org.kalaja.sentinel.investigate.Timeline.Why;

/** The timeline's two renderings: JSON for tools, Markdown for the person at the CERT. */
final class TimelineFormat {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TimelineFormat() {
    }

    static byte[] bytes(Object json) {
        try {
            return (JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    static ObjectNode json(Timeline t) {
        ObjectNode o = JSON.createObjectNode();
        Incident inc = t.incident();
        o.put("incident", inc.id());
        o.put("node", t.node());
        o.set("incident_record", readTree(inc.toJson()));
        o.put("since", t.since().toString());
        o.put("from_index", t.fromIndex());
        o.put("log_size", t.logSize());
        ArrayNode tech = o.putArray("techniques");
        inc.techniques().forEach(x -> tech.addObject().put("id", x.id()).put("name", x.name()).put("tactic", x.tactic()));
        o.put("attack_version", inc.attackVersion());
        ObjectNode ind = o.putObject("indicators");
        t.indicators().addresses().forEach(ind.putArray("addresses")::add);
        t.indicators().tokens().forEach(ind.putArray("tokens")::add);
        t.indicators().userAgents().forEach(ind.putArray("user_agents")::add);
        ArrayNode affected = o.putArray("affected_records");
        for (AffectedRecord r : t.affected()) {
            affected.addObject().put("collection", r.collection()).put("key", r.key()).put("first_bad_index", r.firstBadIndex())
                    .put("version_before", r.versionBefore()).put("index_before", r.indexBefore())
                    .put("deleted_before", r.deletedBefore()).put("latest_version", r.latestVersion())
                    .put("latest_index", r.latestIndex()).put("latest_actor", r.latestActor())
                    .put("latest_deleted", r.latestDeleted()).put("changed_by_others_after", r.changedByOthersAfter());
        }
        ArrayNode items = o.putArray("items");
        for (Item i : t.items()) {
            items.addObject().put("time", i.time().toString()).put("index", i.index()).put("ordinal", i.ordinal())
                    .put("actor", i.actor()).put("address", i.address()).put("user_agent", i.userAgent())
                    .put("action", i.action()).put("collection", i.collection()).put("key", i.key())
                    .put("version", i.version()).put("outcome", i.outcome()).put("reason", i.reason())
                    .put("why", i.why().id());
        }
        return o;
    }

    private static ObjectNode readTree(byte[] json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the incident record is JSON", e);
        }
    }

    static String markdown(Timeline t) {
        Incident inc = t.incident();
        StringBuilder b = new StringBuilder();
        b.append("# Incident ").append(inc.id()).append(": ").append(inc.rule().title()).append("\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "Node (log origin)", t.node());
        row(b, "Rule", inc.rule().id() + " (" + inc.rule().name() + ", level " + inc.rule().level() + ")");
        row(b, "Status", inc.status().id());
        row(b, "Started", inc.started() + " (log index " + inc.startedIndex() + ")");
        row(b, "Detected", inc.detected().toString());
        row(b, "Actors", String.join(", ", inc.actors()));
        row(b, "Addresses", String.join(", ", inc.addresses()));
        row(b, "What Kalaja did", String.join("; ", inc.actions()));
        row(b, "Timeline covers", "log entries " + t.fromIndex() + " to " + (t.logSize() - 1) + ", from " + t.since());
        b.append("\n## ATT&CK techniques (version ").append(inc.attackVersion()).append(")\n\n");
        for (Incident.Technique x : inc.techniques()) {
            b.append("- ").append(x.id()).append(" ").append(x.name()).append(" (").append(x.tactic()).append(")\n");
        }
        b.append("\n## Indicators\n\n");
        list(b, "Addresses", t.indicators().addresses());
        list(b, "Tokens", t.indicators().tokens());
        list(b, "User agents", t.indicators().userAgents());
        b.append("\n## What the implicated actors did\n\n");
        Map<String, Long> counts = t.actionCounts(Why.IMPLICATED);
        if (counts.isEmpty()) b.append("Nothing in the log.\n");
        counts.forEach((a, n) -> b.append("- ").append(a).append(": ").append(n).append("\n"));
        b.append("\n## Affected records (").append(t.affected().size()).append(")\n\n");
        if (!t.affected().isEmpty()) {
            b.append("| record | before the incident | now | note |\n|---|---|---|---|\n");
            for (AffectedRecord r : t.affected()) {
                b.append("| ").append(cell(r.collection() + "/" + r.key())).append(" | ")
                        .append(r.indexBefore() < 0 ? "did not exist" : (r.deletedBefore() ? "deleted" : "version " + r.versionBefore())
                                + " (index " + r.indexBefore() + ")")
                        .append(" | ").append(r.latestDeleted() ? "deleted" : "version " + r.latestVersion())
                        .append(" by ").append(cell(r.latestActor())).append(" (index ").append(r.latestIndex()).append(") | ")
                        .append(r.changedByOthersAfter() ? "changed by another actor after the attack" : "").append(" |\n");
            }
        }
        b.append("\n## Timeline (UTC; every row is a log entry, provable with the evidence pack)\n\n");
        b.append("| time | index | actor | address | user agent | action | record | version | outcome | why |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Item i : t.items()) {
            b.append("| ").append(i.time()).append(" | ").append(i.index()).append(i.ordinal() > 0 ? "." + i.ordinal() : "")
                    .append(" | ").append(cell(i.actor())).append(" | ").append(cell(i.address())).append(" | ")
                    .append(cell(i.userAgent())).append(" | ").append(i.action()).append(" | ")
                    .append(cell(i.key().isEmpty() ? i.collection() : i.collection() + "/" + i.key())).append(" | ")
                    .append(i.version() < 0 ? "" : Long.toString(i.version())).append(" | ").append(i.outcome())
                    .append(i.reason().isEmpty() ? "" : " (" + cell(i.reason()) + ")").append(" | ").append(i.why().id())
                    .append(" |\n");
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String name, String value) {
        b.append("| ").append(name).append(" | ").append(cell(value)).append(" |\n");
    }

    private static void list(StringBuilder b, String name, List<String> values) {
        b.append("- ").append(name).append(": ").append(values.isEmpty() ? "none" : cell(String.join(", ", values))).append("\n");
    }

    /** Table cells hold attacker-chosen text (user agents, keys): pipes and newlines must not break the table. */
    private static String cell(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("\r", " ");
    }
}
