package org.kalaja.sentinel.contain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.Outcome;
import org.kalaja.store.sqlite.SqliteStore;

class IncidentsTest {
    private static final Instant T = Instant.parse("2026-11-26T08:30:00Z");
    private static final Incident.Rule RULE = new Incident.Rule("a217c1a9-13bb-4ee7-8ec5-9cdbad50fca2", "mass_deletion", "Mass deletion", "critical");

    @TempDir
    Path dir;

    private static Finding finding(Instant first, Instant last) {
        return new Finding(RULE, List.of(new Incident.Technique("T1485", "Data Destruction", "impact")), "19.0", List.of("freeze"), "actor",
                Duration.ofMinutes(15), Duration.ofHours(1), Map.of("user.id", "token:a"), 11, first, last);
    }

    private static AuditEvent delete(Instant at) {
        return new AuditEvent(at, Action.RECORD_DELETE, Outcome.UNKNOWN, "token:a", "", "admin", "203.0.113.7", "curl/8.5", "people", "p1",
                -1, -1, 1, "", Map.of());
    }

    @Test
    void findingsArrivingOutOfOrderStartTheIncidentAtTheEarliestFirstEvent() {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db")); RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults())) {
            Incidents incidents = new Incidents(new SystemRecords(engine));
            // The match of the 12th deletion saw a window whose oldest deletion was already evicted; it arrives first.
            Incidents.Opened later = incidents.onFinding(finding(T.plusMillis(40), T.plusMillis(90)), delete(T.plusMillis(90)), "token:a",
                    "203.0.113.7", T.plusMillis(91), List.of("freeze token:a"), true);
            Incidents.Opened earlier = incidents.onFinding(finding(T, T.plusMillis(80)), delete(T.plusMillis(80)), "token:a", "203.0.113.7",
                    T.plusMillis(92), List.of("freeze token:a"), true);

            assertThat(earlier.incident().id()).isEqualTo(later.incident().id());
            assertThat(incidents.get(later.incident().id()).orElseThrow().started()).isEqualTo(T);
        }
    }
}
