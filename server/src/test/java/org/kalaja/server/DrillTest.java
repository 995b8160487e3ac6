package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small drill CI runs: real processes (two witnesses, the primary, recover, the rebuilt node) on loopback. */
class DrillTest {
    @TempDir
    Path dir;

    @Test
    void aWipedPrimaryIsRebuiltFromTheVaultWithNoAcknowledgedWriteLost() throws Exception {
        CliTest.Run drill = CliTest.kalaja("drill", "--records", "200", "--writers", "4", "--json", "--work", dir.resolve("drill").toString());

        assertThat(drill.exit()).as(drill.out() + drill.err()).isZero();
        JsonNode verdict = RemoteNode.parse(drill.out().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(verdict.path("passed").asBoolean()).isTrue();
        assertThat(verdict.path("lost").asLong()).isZero();
        assertThat(verdict.path("acknowledged").asLong()).as("writes acknowledged before the wipe").isGreaterThanOrEqualTo(200);
        assertThat(verdict.path("vault_verified").asBoolean()).isTrue();
        assertThat(verdict.path("witnesses_accepted_rebuilt_log").asBoolean()).isTrue();
        assertThat(verdict.path("recovery_s").asDouble()).as("seconds from the wipe to serving again").isPositive();
        assertThat(drill.err()).contains("wiped:").contains("serving again");
    }
}
