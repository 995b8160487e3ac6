package org.kalaja.sentinel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventTest {
    private static final AuditEvent DELETE = new AuditEvent(Instant.parse("2022-07-15T08:30:00Z"), Action.RECORD_DELETE,
            Outcome.SUCCESS, "token:3f9a0c1d2e3b4a59", "portal backend", "admin", "203.0.113.7", "curl/8.5", "civil-status",
            "birth-2022-0001", 4, 41, 1, "", Map.of("kalaja.change.fields_lost_pct", 100L));

    @Test
    void ecsFieldNamesReadTheEventAndAbsentValuesAreNull() {
        assertThat(DELETE.get("event.action")).isEqualTo("record.delete");
        assertThat(DELETE.get("user.id")).isEqualTo("token:3f9a0c1d2e3b4a59");
        assertThat(DELETE.get("user.roles")).isEqualTo(List.of("admin"));
        assertThat(DELETE.get("source.ip")).isEqualTo("203.0.113.7");
        assertThat(DELETE.get("kalaja.record")).isEqualTo("civil-status/birth-2022-0001");
        assertThat(DELETE.get("kalaja.change.fields_lost_pct")).isEqualTo(100L);
        assertThat(DELETE.get("kalaja.reason")).isNull();
        assertThat(DELETE.get("no.such.field")).isNull();
        assertThat(DELETE.with(Map.of("kalaja.maintenance", true)).get("kalaja.maintenance")).isEqualTo(true);
    }

    @Test
    void everyActionIdIsDottedUniqueAndReadsBack() {
        assertThat(Arrays.stream(Action.values()).map(Action::id)).doesNotHaveDuplicates()
                .contains("auth.signin", "record.delete", "safe_mode.enter", "state_audit.mismatch", "store.foreign_write", "undo");
        for (Action a : Action.values()) assertThat(Action.ofId(a.id())).isEqualTo(a);
        assertThatThrownBy(() -> Action.ofId("record.shred")).hasMessageContaining("no audit action record.shred");
    }
}
