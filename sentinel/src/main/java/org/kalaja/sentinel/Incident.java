package org.kalaja.sentinel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the sentinel knows about one attack: the rule that found it, the ATT&CK techniques, who and
 * from where, since when, and what was done. Its current state is the record
 * {@code kalaja.incidents/<id>}; that record's history in the log is the incident's history.
 *
 * @param id            {@code inc-<yyyyMMdd>-<6 hex>}, unique per node
 * @param attackVersion the MITRE ATT&CK version the technique ids refer to, e.g. {@code 19.0}
 * @param actors        the implicated principals ({@code token:<id>})
 * @param started       the first event of the triggering window
 * @param startedIndex  the first log index at or after {@code started}: undo and the timeline start there
 * @param detected      when the rule matched
 * @param actions       what Kalaja did, in order: {@code revoke token:…}, {@code freeze token:…}, {@code safe_mode}, …
 */
public record Incident(String id, Rule rule, List<Technique> techniques, String attackVersion, List<String> actors,
        List<String> addresses, List<String> userAgents, Instant started, long startedIndex, Instant detected, Status status,
        List<String> actions) {

    /** The system collection holding one record per incident. */
    public static final String COLLECTION = "kalaja.incidents";

    private static final ObjectMapper JSON = new ObjectMapper();

    public Incident {
        techniques = List.copyOf(techniques);
        actors = List.copyOf(actors);
        addresses = List.copyOf(addresses);
        userAgents = List.copyOf(userAgents);
        actions = List.copyOf(actions);
    }

    /** The Sigma rule that raised the incident. @param level the Sigma level: informational … critical */
    public record Rule(String id, String name, String title, String level) {
    }

    /** @param id an ATT&CK technique id, {@code T1485} or {@code T1565.001} */
    public record Technique(String id, String name, String tactic) {
    }

    /** Where the incident stands; only an administrator moves it past {@link #CONTAINED}. */
    public enum Status {
        OPEN, CONTAINED, UNDONE, CLOSED, FALSE_POSITIVE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status ofId(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /** This incident with another status and, when given, one more action. */
    public Incident with(Status newStatus, String... moreActions) {
        List<String> all = new ArrayList<>(actions);
        all.addAll(List.of(moreActions));
        return new Incident(id, rule, techniques, attackVersion, actors, addresses, userAgents, started, startedIndex, detected,
                newStatus, all);
    }

    /** The record body: a JSON object with snake_case names and ISO-8601 times, as the API returns it. */
    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.putObject("rule").put("id", rule.id()).put("name", rule.name()).put("title", rule.title()).put("level", rule.level());
        ArrayNode t = o.putArray("techniques");
        techniques.forEach(x -> t.addObject().put("id", x.id()).put("name", x.name()).put("tactic", x.tactic()));
        o.put("attack_version", attackVersion);
        strings(o.putArray("actors"), actors);
        strings(o.putArray("addresses"), addresses);
        strings(o.putArray("user_agents"), userAgents);
        o.put("started", started.toString());
        o.put("started_index", startedIndex);
        o.put("detected", detected.toString());
        o.put("status", status.id());
        strings(o.putArray("actions"), actions);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #toJson()} wrote. @throws IllegalArgumentException naming what is missing or malformed */
    public static Incident fromJson(byte[] json) {
        try {
            JsonNode o = JSON.readTree(json);
            JsonNode r = o.required("rule");
            List<Technique> techniques = new ArrayList<>();
            o.required("techniques").forEach(x -> techniques.add(new Technique(x.required("id").asText(),
                    x.required("name").asText(), x.required("tactic").asText())));
            return new Incident(o.required("id").asText(), new Rule(r.required("id").asText(), r.required("name").asText(),
                    r.required("title").asText(), r.required("level").asText()), techniques, o.required("attack_version").asText(),
                    strings(o.required("actors")), strings(o.required("addresses")), strings(o.required("user_agents")),
                    Instant.parse(o.required("started").asText()), o.required("started_index").asLong(),
                    Instant.parse(o.required("detected").asText()), Status.ofId(o.required("status").asText()),
                    strings(o.required("actions")));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an incident record: " + e.getMessage(), e);
        }
    }

    private static void strings(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(x -> out.add(x.asText()));
        return out;
    }
}
