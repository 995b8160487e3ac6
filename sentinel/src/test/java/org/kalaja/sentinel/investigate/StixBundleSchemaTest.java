package org.kalaja.sentinel.investigate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StixBundleSchemaTest {
    @TempDir
    static Path dir;
    static AttackLog attack;
    static ObjectNode bundle;

    @BeforeAll
    static void attack() throws Exception {
        attack = new AttackLog(dir);
        bundle = StixBundle.of(attack.incident, attack.timeline(), "CERT-Example");
    }

    @AfterAll
    static void close() {
        attack.close();
    }

    /**
     * bundle.json lists no {@code incident} branch (nor grouping, location, note, opinion), and its custom-object
     * fallback is a oneOf of core.json and cyber-observable-core.json, which every SDO-shaped object satisfies
     * both of: so an incident can never pass it. The bundle is therefore checked whole, with every error
     * required to be about the incident object, and without the incident, with none; the incident itself
     * is checked against sdos/incident.json by {@link #everyObjectValidatesAgainstItsOwnSchema}.
     */
    @Test
    void bundleValidatesAgainstOasisSchemas() throws Exception {
        StixSchemas schemas = StixSchemas.load();
        var schema = schemas.schema("common/bundle.json");
        int incidentAt = -1;
        for (int i = 0; i < bundle.get("objects").size(); i++) {
            if (bundle.get("objects").get(i).get("type").asText().equals("incident")) incidentAt = i;
        }
        String prefix = "/objects/" + incidentAt;
        assertThat(schema.validate(bundle)).allSatisfy(e -> assertThat(e.getInstanceLocation().toString())
                .satisfiesAnyOf(l -> assertThat(l).isEqualTo(prefix), l -> assertThat(l).startsWith(prefix + "/")));
        ObjectNode withoutIncident = bundle.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) withoutIncident.get("objects")).remove(incidentAt);
        assertThat(StixSchemas.errors(schema, withoutIncident)).isEmpty();
    }

    @Test
    void everyObjectValidatesAgainstItsOwnSchema() throws Exception {
        StixSchemas schemas = StixSchemas.load();
        List<String> failures = new ArrayList<>();
        Set<String> types = new HashSet<>();
        for (JsonNode o : bundle.get("objects")) {
            String type = o.get("type").asText();
            types.add(type);
            StixSchemas.errors(schemas.schema(schemas.fileFor(type)), o).forEach(e -> failures.add(o.get("id").asText() + ": " + e));
        }
        assertThat(failures).isEmpty();
        assertThat(types).contains("identity", "marking-definition", "report", "incident", "ipv4-addr", "user-account",
                "network-traffic", "observed-data", "indicator", "attack-pattern", "sighting", "relationship", "course-of-action");
    }

    @Test
    void reportNamesEveryOtherObjectAndEveryReferenceResolves() {
        Set<String> ids = new HashSet<>();
        bundle.get("objects").forEach(o -> ids.add(o.get("id").asText()));
        JsonNode report = objects("report").get(0);
        Set<String> named = new HashSet<>();
        report.get("object_refs").forEach(r -> named.add(r.asText()));
        Set<String> others = new HashSet<>(ids);
        others.remove(report.get("id").asText());
        assertThat(named).isEqualTo(others);
        for (JsonNode o : bundle.get("objects")) {
            o.properties().forEach(p -> {
                if (p.getKey().endsWith("_ref")) assertThat(ids).contains(p.getValue().asText());
                if (p.getKey().endsWith("_refs")) p.getValue().forEach(r -> assertThat(ids).contains(r.asText()));
            });
        }
    }

    @Test
    void attackPatternCarriesTheMitreIdAndTheVersionedUrl() {
        JsonNode ref = objects("attack-pattern").get(0).get("external_references").get(0);
        assertThat(ref.get("source_name").asText()).isEqualTo("mitre-attack");
        assertThat(ref.get("external_id").asText()).isEqualTo("T1485");
        assertThat(ref.get("url").asText()).isEqualTo("https://attack.mitre.org/versions/v19/techniques/T1485/");
    }

    @Test
    void indicatorsMatchTheAttackersAddressTokenAndClient() {
        List<String> patterns = objects("indicator").stream().map(i -> i.get("pattern").asText()).toList();
        assertThat(patterns).contains("[ipv4-addr:value = '203.0.113.7']", "[user-account:user_id = '" + AttackLog.ATTACKER + "']",
                "[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent'[*] = 'wiper/1.0 (it\\'s \"fine\")']");
        JsonNode incident = objects("incident").get(0);
        assertThat(incident.has("severity")).isFalse();
        JsonNode core = incident.get("extensions").get(StixBundle.INCIDENT_CORE);
        assertThat(core.get("determination").asText()).isEqualTo("successful-attempt");
        assertThat(core.get("incident_types").get(0).asText()).isEqualTo("destruction");
    }

    @Test
    void theSameIncidentGivesTheSameBundle() {
        assertThat(StixBundle.of(attack.incident, attack.timeline(), "CERT-Example")).isEqualTo(bundle);
        assertThat(StixBundle.of(attack.incident, attack.timeline(), "Another CERT")).isNotEqualTo(bundle);
    }

    @Test
    void scoIdsAreTheStixUuid5OfTheirContributingProperties() {
        // STIX 2.1 §2.9: the same value gives the same id in every tool; checked against an independent
        // recomputation, and the version nibble is 5.
        assertThat(StixIds.uuid5(java.util.UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "python.org"))
                .hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d"); // RFC 4122 DNS namespace, a widely quoted vector
        JsonNode ip = objects("ipv4-addr").stream().filter(o -> o.get("value").asText().equals("203.0.113.7")).findFirst().orElseThrow();
        String expected = "ipv4-addr--" + StixIds.uuid5(StixIds.STIX_NAMESPACE, "{\"value\":\"203.0.113.7\"}");
        assertThat(ip.get("id").asText()).isEqualTo(expected);
        assertThat(expected.charAt("ipv4-addr--".length() + 14)).isEqualTo('5');
    }

    private static List<JsonNode> objects(String type) {
        List<JsonNode> out = new ArrayList<>();
        bundle.get("objects").forEach(o -> {
            if (o.get("type").asText().equals(type)) out.add(o);
        });
        return out;
    }
}
