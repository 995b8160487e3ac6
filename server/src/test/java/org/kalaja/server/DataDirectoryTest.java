package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.EngineException;

/** What {@link Node#open} does to the data directory: private from the start, nothing left by a refused start. */
class DataDirectoryTest {
    @TempDir
    Path parent;

    @Test
    void freshDataDirectoryIsOnlyForItsOwner() throws Exception {
        Path data = parent.resolve("kalaja-data");
        try (Node node = Node.open(data, StoreLocation.of(data, null), EngineConfig.defaults(), null)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
        }
    }

    @Test
    void invalidBootstrapTokenIsRefusedBeforeAnythingIsCreated() {
        Path data = parent.resolve("kalaja-data");

        assertThatThrownBy(() -> Node.open(data, StoreLocation.of(data, null), EngineConfig.defaults(), "short"))
                .isInstanceOf(EngineException.class).hasMessageContaining("16 to 512 printable characters");
        assertThat(data).doesNotExist();
    }

    @Test
    void existingDirectoryOpenToOthersIsWarnedAbout() throws Exception {
        Path data = Files.createDirectory(parent.resolve("shared"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        String warning = CliTest.capturingStderr(() -> Node.open(data, StoreLocation.of(data, null), EngineConfig.defaults(), null).close());

        assertThat(warning).contains("warning").contains(data.toString()).contains("chmod 700");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxr-xr-x");
    }
}
