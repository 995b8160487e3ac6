package org.kalaja.sentinel.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.Outcome;

class LogEventsTest {
    private static final Caller SENTINEL = new Caller("sentinel", "", "");

    @TempDir
    Path dir;

    private static List<AuditEvent> events(TestLog log) {
        List<AuditEvent> out = new ArrayList<>();
        List<Entry> entries = log.entries();
        for (int i = 0; i < entries.size(); i++) out.addAll(LogEvents.of(i, entries.get(i)));
        return out;
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void mutationsTokensAndIncidentsBecomeEventsWithActorAddressAndTarget() {
        try (TestLog log = new TestLog(dir)) {
            RecordsEngine engine = log.engine();
            Tokens tokens = new Tokens(engine);
            Tokens.Issued admin = tokens.create(Caller.SYSTEM, Role.ADMIN, "registry admin");
            Caller by = Caller.of("token:" + admin.id(), "203.0.113.7", "curl/8.5");
            engine.put(by, "civil-status", "birth-1", json("{\"name\":\"Arta\"}"), -1, "").join();
            engine.put(by, "civil-status", "birth-1", json("{\"name\":\"Arta K.\"}"), -1, "").join();
            engine.delete(by, "civil-status", "birth-1", -1, "").join();
            Tokens.Issued clerk = tokens.create(by, Role.CLERK, "clerk 17");
            tokens.revoke(by, clerk.id());
            Incident inc = new Incident("inc-20220715-3f9a1c", new Incident.Rule("a217c1a9", "mass_deletion", "Mass deletion", "critical"),
                    List.of(new Incident.Technique("T1485", "Data Destruction", "impact")), "19.0", List.of("token:" + admin.id()),
                    List.of("203.0.113.7"), List.of("curl/8.5"), Instant.parse("2022-07-15T08:30:00Z"), 3,
                    Instant.parse("2022-07-15T08:31:00Z"), Incident.Status.CONTAINED, List.of("freeze token:" + admin.id()));
            engine.appendSystem(EntryKind.INCIDENT, SENTINEL, new RecordId(Incident.COLLECTION, inc.id()), json("{\"v\":1,\"type\":\"finding\","
                    + "\"incident\":\"" + inc.id() + "\",\"rule\":{\"id\":\"a217c1a9\",\"name\":\"mass_deletion\",\"title\":\"Mass deletion\","
                    + "\"level\":\"critical\"},\"techniques\":[{\"id\":\"T1485\",\"name\":\"Data Destruction\",\"tactic\":\"impact\"}],"
                    + "\"attack_version\":\"19.0\",\"group\":{\"user.id\":\"token:" + admin.id() + "\"},\"count\":11,"
                    + "\"trigger\":{\"action\":\"record.delete\",\"collection\":\"civil-status\",\"key\":\"birth-1\",\"address\":\"203.0.113.7\","
                    + "\"user_agent\":\"curl/8.5\"}}"), -1).join();
            engine.appendSystem(EntryKind.CONFIG_CHANGED, SENTINEL, new RecordId(Incident.COLLECTION, inc.id()), inc.toJson(), -1).join();
            engine.appendSystem(EntryKind.CONFIG_CHANGED, SENTINEL, new RecordId("kalaja.frozen", "token:" + admin.id()),
                    json("{\"frozen\":true,\"incident\":\"" + inc.id() + "\"}"), -1).join();

            List<AuditEvent> events = events(log);
            assertThat(events).extracting(e -> e.action().id()).containsExactly("token.create", "record.put", "record.put",
                    "record.delete", "token.create", "token.revoke", "finding", "incident.update", "actor.freeze");
            AuditEvent created = events.get(1);
            assertThat(created.actor()).isEqualTo("token:" + admin.id());
            assertThat(created.address()).isEqualTo("203.0.113.7");
            assertThat(created.userAgent()).isEqualTo("curl/8.5");
            assertThat(created.get("kalaja.record")).isEqualTo("civil-status/birth-1");
            assertThat(created.outcome()).isEqualTo(Outcome.SUCCESS);
            assertThat(created.index()).isEqualTo(1);
            assertThat(created.extra()).containsEntry("kalaja.created", true);
            assertThat(events.get(2).version()).isEqualTo(2);
            assertThat(events.get(2).extra()).containsEntry("kalaja.created", false);
            assertThat(events.get(3).version()).isEqualTo(3);
            assertThat(events.get(4).extra()).containsEntry("kalaja.target", "token:" + clerk.id()).containsEntry("kalaja.target_role", "clerk")
                    .containsEntry("kalaja.created_by", "token:" + admin.id());
            assertThat(events.get(5).extra()).containsEntry("kalaja.target", "token:" + clerk.id());
            AuditEvent finding = events.get(6);
            assertThat(finding.actor()).as("a finding is about the implicated actor").isEqualTo("token:" + admin.id());
            assertThat(finding.get("kalaja.record")).isEqualTo("civil-status/birth-1");
            assertThat(finding.extra()).containsEntry("rule.name", "mass_deletion").containsEntry("threat.technique.id", List.of("T1485"))
                    .containsEntry("kalaja.incident.id", inc.id());
            assertThat(events.get(7).extra()).containsEntry("kalaja.incident.status", "contained");
            assertThat(events.get(8).extra()).containsEntry("kalaja.target", "token:" + admin.id());

            Principals principals = new Principals(log.store());
            assertThat(principals.complete(created).actorName()).isEqualTo("registry admin");
            assertThat(principals.complete(created).get("user.roles")).isEqualTo(List.of("admin"));
            assertThat(principals.of("token:" + clerk.id())).as("a revoked token keeps its name").isEqualTo(new Principals.Principal("clerk 17", "clerk"));
            assertThat(principals.of("token:0000000000000000")).isEqualTo(new Principals.Principal("", ""));
        }
    }

    @Test
    void keyEventsBecomeConfigChangesNamingTheEventAndTheKek() {
        try (TestLog log = new TestLog(dir)) {
            Caller admin = Caller.of("token:0123456789abcdef", "203.0.113.9", "kalaja-cli");
            log.engine().appendSystem(EntryKind.KEY_EVENT, admin, new RecordId("kalaja.keys", "s:00ff:citizens:2026"),
                    json("{\"event\":\"destroyed\",\"reason\":\"ER-7\",\"scope\":\"subject\"}"), -1).join();
            log.engine().appendSystem(EntryKind.KEY_EVENT, admin, new RecordId("kalaja.keys", "kek:kek-1"),
                    json("{\"event\":\"kek-destroyed\",\"kek\":\"kek-1\"}"), -1).join();
            List<AuditEvent> keys = events(log).stream().filter(e -> "key".equals(e.extra().get("kalaja.config.change"))).toList();
            assertThat(keys).extracting(e -> e.action().id()).containsExactly("config.change", "config.change");
            assertThat(keys.get(0).actor()).isEqualTo("token:0123456789abcdef");
            assertThat(keys.get(0).extra()).containsEntry("kalaja.key.event", "destroyed").containsEntry("kalaja.key.scope", "subject");
            assertThat(keys.get(1).extra()).containsEntry("kalaja.key.event", "kek-destroyed").containsEntry("kalaja.key.kek", "kek-1");
        }
    }
}
