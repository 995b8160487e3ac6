package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker with root restarts the primary without its vault (T1490, T1562): the node comes back in
 * safe mode, reads working and writes refused, instead of writing what no vault keeps.
 */
class DefencesAtStartTest {
    @TempDir
    Path root;

    @Test
    void aRestartWithoutTheVaultComesBackInSafeMode() throws Exception {
        Path data = root.resolve("node");
        Path vault = Files.createDirectory(root.resolve("vault"));
        ServeProcess first = ServeProcess.start(data, "--vault", "dir:" + vault).awaitReady();
        try {
            assertThat(first.put("applications", "a1", "{\"ok\":true}")).isEqualTo(201);
        } finally {
            first.stop();
        }

        ServeProcess stripped = ServeProcess.start(data).awaitReady();
        try {
            assertThat(stripped.put("applications", "a2", "{\"ok\":true}")).as("a write without the vault").isEqualTo(503);
            assertThat(stripped.read("applications", "a1")).as("reads keep working").isEqualTo("{\"ok\":true}");
        } finally {
            stripped.stop();
        }
    }
}
