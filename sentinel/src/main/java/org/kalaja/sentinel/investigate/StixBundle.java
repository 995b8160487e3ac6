package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.investigate.Timeline.Item;
import org.kalaja.sentinel.investigate.Timeline.Why;

/**
 * An incident as a STIX 2.1 bundle for a CERT's threat-intelligence platform: the reporting body and the
 * node ({@code identity}), the predefined TLP:AMBER {@code marking-definition} on every other object, a
 * {@code report} naming every object, the {@code incident} with the Incident Core extension, the
 * addresses, accounts and HTTP clients seen ({@code ipv4-addr}, {@code ipv6-addr}, {@code user-account},
 * {@code network-traffic}), one {@code observed-data} per implicated actor, an {@code indicator} per
 * address, token and user agent with its {@code sighting} at the node, an {@code attack-pattern} per
 * ATT&CK technique, a {@code course-of-action} per action Kalaja took, and the {@code relationship}s
 * between them.
 *
 * <p>Invariants: the bundle is a function of the incident and the timeline (no clock, no randomness:
 * ids are UUIDv5, see {@link StixIds}; {@code created} is the detection time); every array in it has
 * at least one element and there is no top-level {@code severity}, as the OASIS schemas require.
 */
public final class StixBundle {
    /** The Incident Core extension (STIX common objects, draft 2.0). */
    public static final String INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126";
    /** STIX 2.1 §7.2.1.4: the predefined TLP:AMBER marking. */
    public static final String TLP_AMBER = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern IPV4 = Pattern.compile("^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$");

    private final Incident incident;
    private final Timeline timeline;
    private final StixIds ids;
    private final String created;
    private final List<ObjectNode> objects = new ArrayList<>();
    private final String orgId;
    private final String nodeId;

    private StixBundle(Incident incident, Timeline timeline, String organisation) {
        this.incident = incident;
        this.timeline = timeline;
        this.ids = new StixIds(timeline.node(), incident.id());
        this.created = StixIds.time(incident.detected());
        this.orgId = ids.sdo("identity", "organisation");
        this.nodeId = ids.sdo("identity", "node");
        ObjectNode org = sdo("identity", orgId).put("name", organisation).put("identity_class", "organization");
        org.remove("created_by_ref");
        sdo("identity", nodeId).put("name", timeline.node().isEmpty() ? "Kalaja node" : timeline.node())
                .put("identity_class", "system")
                .put("description", "The Kalaja node whose verifiable log recorded the incident.");
        ObjectNode tlp = JSON.createObjectNode().put("type", "marking-definition").put("spec_version", "2.1").put("id", TLP_AMBER)
                .put("created", "2017-01-20T00:00:00.000Z").put("definition_type", "tlp").put("name", "TLP:AMBER");
        tlp.putObject("definition").put("tlp", "amber");
        objects.add(tlp);
    }

    /**
     * The bundle for {@code incident}, from its {@code timeline}.
     *
     * @param organisation the reporting body's name (the {@code --org-name} of the node)
     */
    public static ObjectNode of(Incident incident, Timeline timeline, String organisation) {
        return new StixBundle(incident, timeline, organisation).build();
    }

    private ObjectNode build() {
        Map<String, String> addressIds = new TreeMap<>();
        for (String a : timeline.indicators().addresses()) {
            String type = IPV4.matcher(a).matches() ? "ipv4-addr" : a.contains(":") ? "ipv6-addr" : null;
            if (type != null) addressIds.put(a, sco(type, JSON.createObjectNode().put("value", a)));
        }
        Set<String> actors = new TreeSet<>(incident.actors());
        items().forEach(i -> actors.add(i.actor()));
        Map<String, String> accountIds = new TreeMap<>();
        actors.forEach(a -> accountIds.put(a, sco("user-account", JSON.createObjectNode().put("user_id", a))));
        Map<String, String> trafficIds = traffic(addressIds);
        List<String> observed = observedData(actors, accountIds, addressIds, trafficIds);
        Map<String, String> patterns = attackPatterns();
        List<String> indicators = indicators(addressIds, observed);
        String incidentId = incidentObject();
        List<String> coas = coursesOfAction();
        for (String ind : indicators) patterns.values().forEach(ap -> relationship("indicates", ind, ap));
        for (String coa : coas) patterns.values().forEach(ap -> relationship("mitigates", coa, ap));
        List<String> related = new ArrayList<>(patterns.values());
        related.addAll(indicators);
        related.addAll(observed);
        related.addAll(coas);
        related.forEach(r -> relationship("related-to", incidentId, r));
        report();
        ObjectNode bundle = JSON.createObjectNode().put("type", "bundle").put("id", ids.sdo("bundle", "bundle"));
        ArrayNode all = bundle.putArray("objects");
        objects.forEach(all::add);
        return bundle;
    }

    private List<Item> items() {
        return timeline.items().stream().filter(i -> i.why() == Why.IMPLICATED).toList();
    }

    private ObjectNode sdo(String type, String id) {
        ObjectNode o = JSON.createObjectNode().put("type", type).put("spec_version", "2.1").put("id", id)
                .put("created", created).put("modified", created).put("created_by_ref", orgId);
        o.putArray("object_marking_refs").add(TLP_AMBER);
        objects.add(o);
        return o;
    }

    private String sco(String type, ObjectNode contributing) {
        String id = StixIds.sco(type, contributing);
        ObjectNode o = JSON.createObjectNode().put("type", type).put("spec_version", "2.1").put("id", id);
        o.setAll(contributing);
        o.putArray("object_marking_refs").add(TLP_AMBER);
        objects.add(o);
        return id;
    }

    /** One network-traffic per (address, user agent) an implicated actor used, with the HTTP request it made most. */
    private Map<String, String> traffic(Map<String, String> addressIds) {
        Map<String, List<Item>> byClient = new TreeMap<>();
        for (Item i : items()) {
            if (addressIds.containsKey(i.address())) byClient.computeIfAbsent(i.address() + "\n" + i.userAgent(), k -> new ArrayList<>()).add(i);
        }
        Map<String, String> out = new TreeMap<>();
        byClient.forEach((client, list) -> {
            Item first = list.get(0);
            Map<String, Long> counts = new TreeMap<>();
            list.forEach(i -> counts.merge(i.action(), 1L, Long::sum));
            String action = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            Item sample = list.stream().filter(i -> i.action().equals(action)).findFirst().orElseThrow();
            ObjectNode c = JSON.createObjectNode().put("src_ref", addressIds.get(first.address()))
                    .put("start", StixIds.time(first.time())).put("end", StixIds.time(list.get(list.size() - 1).time()));
            c.putArray("protocols").add("tcp").add("http");
            ObjectNode http = c.putObject("extensions").putObject("http-request-ext")
                    .put("request_method", method(action)).put("request_value", path(sample));
            if (!first.userAgent().isEmpty()) http.putObject("request_header").putArray("User-Agent").add(first.userAgent());
            out.put(client, sco("network-traffic", c));
        });
        return out;
    }

    private static String method(String action) {
        return switch (action) {
            case "record.put" -> "PUT";
            case "record.delete", "token.revoke" -> "DELETE";
            case "token.create" -> "POST";
            default -> "GET";
        };
    }

    private static String path(Item i) {
        if (i.action().startsWith("token.")) return "/api/v1/tokens";
        if (i.collection().isEmpty() || i.collection().startsWith("kalaja.")) return "/api/v1";
        return "/api/v1/records/" + i.collection() + (i.key().isEmpty() ? "" : "/" + i.key());
    }

    private List<String> observedData(Set<String> actors, Map<String, String> accountIds, Map<String, String> addressIds,
            Map<String, String> trafficIds) {
        List<String> out = new ArrayList<>();
        for (String actor : actors) {
            List<Item> mine = items().stream().filter(i -> i.actor().equals(actor)).toList();
            Set<String> refs = new TreeSet<>();
            refs.add(accountIds.get(actor));
            for (Item i : mine) {
                if (addressIds.containsKey(i.address())) refs.add(addressIds.get(i.address()));
                String t = trafficIds.get(i.address() + "\n" + i.userAgent());
                if (t != null) refs.add(t);
            }
            Instant first = mine.isEmpty() ? incident.started() : mine.get(0).time();
            Instant last = mine.isEmpty() ? incident.detected() : mine.get(mine.size() - 1).time();
            String id = ids.sdo("observed-data", actor);
            ObjectNode o = sdo("observed-data", id).put("first_observed", StixIds.time(first))
                    .put("last_observed", StixIds.time(last)).put("number_observed", Math.max(1, Math.min(mine.size(), 999_999_999)));
            refs.forEach(o.putArray("object_refs")::add);
            out.add(id);
        }
        return out;
    }

    private Map<String, String> attackPatterns() {
        Map<String, String> out = new LinkedHashMap<>();
        String version = incident.attackVersion();
        String major = version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
        for (Incident.Technique t : incident.techniques()) {
            String id = ids.sdo("attack-pattern", t.id());
            ObjectNode o = sdo("attack-pattern", id).put("name", t.name());
            o.putArray("external_references").addObject().put("source_name", "mitre-attack").put("external_id", t.id())
                    .put("url", "https://attack.mitre.org/versions/v" + major + "/techniques/" + t.id().replace('.', '/') + "/");
            if (!t.tactic().isBlank()) {
                o.putArray("kill_chain_phases").addObject().put("kill_chain_name", "mitre-attack")
                        .put("phase_name", t.tactic().strip().toLowerCase(Locale.ROOT).replace(' ', '-'));
            }
            out.put(t.id(), id);
        }
        return out;
    }

    private List<String> indicators(Map<String, String> addressIds, List<String> observed) {
        List<String> out = new ArrayList<>();
        Timeline.Indicators in = timeline.indicators();
        for (String a : in.addresses()) {
            if (!addressIds.containsKey(a)) continue;
            String type = addressIds.get(a).substring(0, addressIds.get(a).indexOf("--"));
            out.add(indicator("address " + a, "[" + type + ":value = " + quote(a) + "]", "malicious-activity",
                    "Address the implicated requests came from.", i -> i.address().equals(a), observed));
        }
        for (String t : in.tokens()) {
            out.add(indicator("token " + t, "[user-account:user_id = " + quote(t) + "]", "compromised",
                    "A Kalaja API token used in the attack; it is revoked or frozen if containment ran.", i -> i.actor().equals(t), observed));
        }
        for (String ua : in.userAgents()) {
            out.add(indicator("user agent " + ua, "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'[*] = "
                    + quote(ua) + "]", "malicious-activity", "HTTP client of the implicated requests.", i -> i.userAgent().equals(ua), observed));
        }
        return out;
    }

    private String indicator(String role, String pattern, String type, String description,
            java.util.function.Predicate<Item> seen, List<String> observed) {
        String id = ids.sdo("indicator", role);
        ObjectNode o = sdo("indicator", id).put("name", "Kalaja " + incident.id() + ": " + role).put("description", description)
                .put("pattern", pattern).put("pattern_type", "stix").put("pattern_version", "2.1")
                .put("valid_from", StixIds.time(incident.started()));
        o.putArray("indicator_types").add(type);
        List<Item> hits = items().stream().filter(seen).toList();
        ObjectNode s = sdo("sighting", ids.sdo("sighting", role)).put("sighting_of_ref", id)
                .put("count", Math.min(hits.size(), 999_999_999));
        if (!hits.isEmpty()) {
            s.put("first_seen", StixIds.time(hits.get(0).time())).put("last_seen", StixIds.time(hits.get(hits.size() - 1).time()));
        }
        if (!observed.isEmpty()) {
            ArrayNode refs = s.putArray("observed_data_refs");
            observed.forEach(refs::add);
        }
        s.putArray("where_sighted_refs").add(nodeId);
        return id;
    }

    /** A STIX pattern string literal: single quotes, with backslash and quote escaped. */
    static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private String incidentObject() {
        String id = ids.sdo("incident", "incident");
        ObjectNode o = sdo("incident", id).put("name", incident.rule().title() + " (" + incident.id() + ")")
                .put("description", StixText.incidentDescription(incident, timeline));
        ObjectNode core = o.putObject("extensions").putObject(INCIDENT_CORE).put("extension_type", "property-extension")
                .put("determination", StixText.determination(incident, timeline))
                .put("investigation_status", StixText.investigationStatus(incident.status()))
                .put("criticality", StixText.criticality(incident.rule().level()));
        core.putArray("detection_methods").add("automated-tool");
        ArrayNode types = core.putArray("incident_types");
        StixText.incidentTypes(incident).forEach(types::add);
        return id;
    }

    private List<String> coursesOfAction() {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String action : incident.actions()) {
            String id = ids.sdo("course-of-action", n++ + ":" + action);
            sdo("course-of-action", id).put("name", action).put("description", StixText.actionDescription(action, timeline));
            out.add(id);
        }
        return out;
    }

    private void relationship(String type, String source, String target) {
        sdo("relationship", ids.sdo("relationship", type + ":" + source + ":" + target)).put("relationship_type", type)
                .put("source_ref", source).put("target_ref", target);
    }

    private void report() {
        ObjectNode r = sdo("report", ids.sdo("report", "report"))
                .put("name", "Kalaja incident " + incident.id() + ": " + incident.rule().title())
                .put("description", StixText.incidentDescription(incident, timeline)).put("published", created);
        r.putArray("report_types").add("threat-report");
        ArrayNode refs = r.putArray("object_refs");
        objects.stream().map(o -> o.get("id").asText()).filter(i -> !i.equals(r.get("id").asText())).forEach(refs::add);
    }
}
