package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentTest {
    static final Incident WIPER = new Incident("inc-20220715-3f9a1c",
            new Incident.Rule("a217c1a9-13bb-4ee7-8ec5-9cdbad50fca2", "mass_deletion", "Mass deletion of records by one actor", "critical"),
            List.of(new Incident.Technique("T1485", "Data Destruction", "impact")), "19.0", List.of("token:3f9a0c1d2e3b4a59"),
            List.of("203.0.113.7"), List.of("curl/8.5"), Instant.parse("2022-07-15T08:30:00.123456Z"), 41,
            Instant.parse("2022-07-15T08:30:02Z"), Incident.Status.CONTAINED, List.of("revoke token:3f9a0c1d2e3b4a59"));

    @Test
    void recordBodyRoundTripsWithSnakeCaseNames() {
        byte[] json = WIPER.toJson();

        assertThat(Incident.fromJson(json)).isEqualTo(WIPER);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("\"attack_version\":\"19.0\"", "\"started_index\":41",
                "\"status\":\"contained\"");
    }

    @Test
    void withAppendsActionsAndChangesOnlyTheStatus() {
        Incident undone = WIPER.with(Incident.Status.UNDONE, "undo by token:admin2");

        assertThat(undone.status()).isEqualTo(Incident.Status.UNDONE);
        assertThat(undone.actions()).containsExactly("revoke token:3f9a0c1d2e3b4a59", "undo by token:admin2");
        assertThat(undone.id()).isEqualTo(WIPER.id());
    }

    @Test
    void bodyMissingAFieldIsRefusedNamingIt() {
        assertThatThrownBy(() -> Incident.fromJson("{\"id\":\"inc-1\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rule");
    }
}
