package org.kalaja.sentinel.contain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;
import org.kalaja.store.sqlite.SqliteStore;

class FirstSeenWarmTest {
    @TempDir
    Path dir;

    private static AuditEvent from(String address) {
        return new AuditEvent(Instant.now(), Action.RECORD_GET, Outcome.UNKNOWN, "token:a11ce00000000001", "alice", "admin", address,
                "kalaja-cli", "people", "p1", -1, -1, 1, "", Map.of());
    }

    @Test
    void theBaselineIsReadFromTheLogSoANewAddressAfterARestartIsFirstSeen() throws Exception {
        try (SqliteStore store = SqliteStore.open(dir.resolve("kalaja.db")); RecordsEngine engine = RecordsEngine.open(store, EngineConfig.defaults())) {
            engine.put(Caller.of("token:a11ce00000000001", "10.0.0.5", "kalaja-cli"), "people", "p1",
                    "{\"name\":\"someone\"}".getBytes(StandardCharsets.UTF_8), -1, "").join();

            FirstSeen cold = new FirstSeen();
            FirstSeen warmed = new FirstSeen();
            warmed.warm(store).join();

            assertThat(cold.tag(from("203.0.113.9")).get(FirstSeen.ADDRESS)).as("no baseline without the log").isNull();
            assertThat(warmed.tag(from("203.0.113.9")).get(FirstSeen.ADDRESS)).isEqualTo(true);
            assertThat(warmed.tag(from("10.0.0.5")).get(FirstSeen.ADDRESS)).as("the address its entry came from").isNull();
        }
    }
}
