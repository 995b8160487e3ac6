package org.kalaja.sentinel.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

class MappersTest {
    static final ExportContext CONTEXT = new ExportContext("kalaja.example/log", "node1", "0.1.0");
    private static final Instant T = Instant.parse("2022-07-15T08:30:00.123456Z");
    private final OcsfMapper ocsf = new OcsfMapper(CONTEXT);
    private final EcsMapper ecs = new EcsMapper(CONTEXT);

    static AuditEvent event(Action action, Outcome outcome, String reason, Map<String, Object> extra) {
        return new AuditEvent(T, action, outcome, "token:3f9a0c1d2e3b4a59", "portal backend", "admin", "203.0.113.7", "curl/8.5",
                "civil-status", "birth-2022-0001", 4, 41, 1, reason, extra);
    }

    @Test
    void typeUidIsClassTimes100PlusActivity() {
        for (Action a : Action.values()) {
            for (Map<String, Object> extra : List.<Map<String, Object>>of(Map.of(), Map.of("kalaja.created", true, "kalaja.incident.status", "closed",
                    "http.request.method", "DELETE"))) {
                ObjectNode o = ocsf.map(event(a, Outcome.SUCCESS, "", extra));
                assertThat(o.get("type_uid").asInt()).as(a.id())
                        .isEqualTo(o.get("class_uid").asInt() * 100 + o.get("activity_id").asInt());
                assertThat(o.get("class_uid").asInt() / 1000).as("category of " + a.id()).isEqualTo(o.get("category_uid").asInt());
            }
        }
        assertThat(type(Action.RECORD_DELETE, Map.of())).isEqualTo(600304);
        assertThat(type(Action.RECORD_PUT, Map.of("kalaja.created", true))).isEqualTo(600301);
        assertThat(type(Action.RECORD_PUT, Map.of("kalaja.created", false))).isEqualTo(600303);
        assertThat(type(Action.RECORD_GET, Map.of())).isEqualTo(600302);
        assertThat(type(Action.AUTH_FAILURE, Map.of())).isEqualTo(300201);
        assertThat(type(Action.TOKEN_REVOKE, Map.of())).isEqualTo(300106);
        assertThat(type(Action.ACTOR_FREEZE, Map.of())).isEqualTo(300109);
        assertThat(type(Action.CONFIG_CHANGE, Map.of())).isEqualTo(300403);
        assertThat(type(Action.STORE_FOREIGN_WRITE, Map.of())).isEqualTo(600502);
        assertThat(type(Action.FINDING, Map.of())).isEqualTo(200401);
        assertThat(type(Action.INCIDENT_UPDATE, Map.of("kalaja.incident.status", "closed"))).isEqualTo(200503);
    }

    private int type(Action a, Map<String, Object> extra) {
        return ocsf.map(event(a, Outcome.SUCCESS, "", extra)).get("type_uid").asInt();
    }

    @Test
    void ocsfAndEcsCarryActorAddressAndOutcome() {
        for (Action a : Action.values()) {
            for (Outcome outcome : Outcome.values()) {
                AuditEvent e = event(a, outcome, outcome == Outcome.FAILURE ? "forbidden" : "", Map.of());
                JsonNode o = ocsf.map(e);
                JsonNode d = ecs.map(e);
                assertThat(o.at("/actor/user/uid").asText()).as(a.id()).isEqualTo("token:3f9a0c1d2e3b4a59");
                assertThat(o.at("/src_endpoint/ip").asText()).isEqualTo("203.0.113.7");
                assertThat(d.at("/user/id").asText()).isEqualTo("token:3f9a0c1d2e3b4a59");
                assertThat(d.at("/source/ip").asText()).isEqualTo("203.0.113.7");
                assertThat(d.at("/user_agent/original").asText()).isEqualTo("curl/8.5");
                assertThat(d.at("/event/outcome").asText()).isEqualTo(outcome.id());
                assertThat(d.at("/event/action").asText()).isEqualTo(a.id());
                assertThat(d.at("/event/id").asText()).isEqualTo(o.at("/metadata/uid").asText()).isEqualTo("kalaja.example/log:41");
                if (o.get("class_uid").asInt() / 1000 != 2) { // findings carry the finding's status
                    assertThat(o.get("status_id").asInt()).isEqualTo(switch (outcome) {
                        case SUCCESS -> 1;
                        case FAILURE -> 2;
                        case UNKNOWN -> 0;
                    });
                }
                if (outcome == Outcome.FAILURE && o.get("class_uid").asInt() / 1000 != 2) {
                    assertThat(o.get("status_detail").asText()).isEqualTo("forbidden");
                    assertThat(d.at("/event/reason").asText()).isEqualTo("forbidden");
                }
            }
        }
    }

    @Test
    void recordDeleteMatchesTheDesignExample() throws Exception {
        JsonNode o = ocsf.map(event(Action.RECORD_DELETE, Outcome.SUCCESS, "", Map.of()));
        JsonNode expected = new ObjectMapper().readTree("""
                {"class_uid":6003,"category_uid":6,"activity_id":4,"type_uid":600304,"time":1657873800123,"severity_id":1,
                 "status_id":1,"metadata":{"version":"1.8.0","product":{"name":"Kalaja","vendor_name":"Kalaja","version":"0.1.0"},
                 "uid":"kalaja.example/log:41","log_name":"kalaja.audit"},"actor":{"user":{"uid":"token:3f9a0c1d2e3b4a59",
                 "name":"portal backend","type_id":2}},"src_endpoint":{"ip":"203.0.113.7"},"http_request":{"http_method":"DELETE",
                 "user_agent":"curl/8.5","url":{"path":"/api/v1/records/civil-status/birth-2022-0001"}},"api":{"operation":"record.delete"},
                 "resources":[{"type":"record","uid":"civil-status/birth-2022-0001"}],"unmapped":{"kalaja":{"index":41,"version":4}}}""");
        assertContains(o, expected, "");
        JsonNode d = ecs.map(event(Action.RECORD_DELETE, Outcome.SUCCESS, "", Map.of()));
        assertThat(d.get("@timestamp").asText()).isEqualTo("2022-07-15T08:30:00.123456Z");
        assertThat(d.at("/event/category/0").asText()).isEqualTo("api");
        assertThat(d.at("/event/type/0").asText()).isEqualTo("deletion");
        assertThat(d.at("/kalaja/record").asText()).isEqualTo("civil-status/birth-2022-0001");
        assertThat(d.at("/http/request/method").asText()).isEqualTo("DELETE");
    }

    /** Every field of {@code expected} is in {@code actual} with the same value; {@code actual} may have more. */
    static void assertContains(JsonNode actual, JsonNode expected, String path) {
        if (expected.isObject()) {
            expected.fields().forEachRemaining(f -> assertContains(actual.path(f.getKey()), f.getValue(), path + "/" + f.getKey()));
        } else if (expected.isArray()) {
            for (int i = 0; i < expected.size(); i++) assertContains(actual.path(i), expected.get(i), path + "/" + i);
        } else if (expected.isNumber()) {
            assertThat(actual.isNumber()).as(path).isTrue();
            assertThat(actual.decimalValue()).as(path).isEqualByComparingTo(expected.decimalValue());
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    @Test
    void findingCarriesRuleAndAttackInBothFormats() {
        Map<String, Object> extra = new HashMap<>();
        extra.put("rule.id", "a217c1a9-13bb-4ee7-8ec5-9cdbad50fca2");
        extra.put("rule.name", "mass_deletion");
        extra.put("rule.description", "Mass deletion of records by one actor");
        extra.put("kalaja.rule.level", "critical");
        extra.put("kalaja.incident.id", "inc-20220715-3f9a1c");
        extra.put("threat.technique.id", List.of("T1485"));
        extra.put("threat.technique.name", List.of("Data Destruction"));
        extra.put("threat.tactic.name", List.of("impact"));
        extra.put("labels.attack_version", "19.0");
        AuditEvent finding = event(Action.FINDING, Outcome.SUCCESS, "", extra);
        JsonNode o = ocsf.map(finding);
        assertThat(o.get("severity_id").asInt()).isEqualTo(5);
        assertThat(o.at("/finding_info/uid").asText()).isEqualTo("inc-20220715-3f9a1c");
        assertThat(o.at("/finding_info/analytic/uid").asText()).isEqualTo("a217c1a9-13bb-4ee7-8ec5-9cdbad50fca2");
        assertThat(o.at("/finding_info/attacks/0/technique/uid").asText()).isEqualTo("T1485");
        assertThat(o.at("/finding_info/attacks/0/version").asText()).isEqualTo("19.0");
        JsonNode d = ecs.map(finding);
        assertThat(d.at("/event/kind").asText()).isEqualTo("alert");
        assertThat(d.at("/rule/ruleset").asText()).isEqualTo("kalaja");
        assertThat(d.at("/threat/framework").asText()).isEqualTo("MITRE ATT&CK");
        assertThat(d.at("/threat/technique/id/0").asText()).isEqualTo("T1485");
        assertThat(d.at("/threat/technique/reference/0").asText()).isEqualTo("https://attack.mitre.org/versions/v19/techniques/T1485/");
        assertThat(d.at("/labels/attack_version").asText()).isEqualTo("19.0");
    }
}
