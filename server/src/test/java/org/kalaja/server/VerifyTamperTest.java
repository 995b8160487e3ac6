package org.kalaja.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.server.CliTest.Run;

/**
 * Someone with root on a stopped node edits its database file with a hex editor: {@code kalaja
 * verify} must notice and name the entry, with the hash it expected and the one it found.
 */
class VerifyTamperTest {
    private static final String MARKER = "PAID-IN-FULL-7f3a";

    @TempDir
    Path dir;

    @Test
    void verifyNamesTheEntryWhoseBytesWereEditedInTheDatabaseFile() throws Exception {
        long tamperedIndex;
        try (RunningNode n = RunningNode.start(dir)) {
            for (int i = 0; i < 40; i++) n.put("/api/v1/records/fines/f" + i, n.adminToken, "{\"status\": \"unpaid\"}");
            tamperedIndex = RemoteNode.parse(n.put("/api/v1/records/fines/f17", n.adminToken, "{\"status\": \"" + MARKER + "\"}").body())
                    .path("index").asLong();
            for (int i = 40; i < 60; i++) n.put("/api/v1/records/fines/f" + i, n.adminToken, "{\"status\": \"unpaid\"}");
        }
        assertThat(CliTest.kalaja("verify", "--data", dir.toString()).exit()).isZero();

        int edited = 0;
        List<Path> files = new java.util.ArrayList<>(List.of(dir.resolve("kalaja.db"), dir.resolve("kalaja.db-wal")));
        if (Files.isDirectory(dir.resolve("kalaja.db.log"))) { // the SQLite store keeps its entries in segment files
            try (var segments = Files.list(dir.resolve("kalaja.db.log"))) {
                segments.sorted().forEach(files::add);
            }
        }
        for (Path file : files) {
            if (Files.exists(file)) edited += replace(file, MARKER, MARKER.replace("PAID", "PAIL"));
        }
        assertThat(edited).as("the marker is in the store's files").isPositive();

        Run r = CliTest.kalaja("verify", "--data", dir.toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("FAILED: ").contains("entry " + tamperedIndex);
    }

    /** Overwrites every occurrence of {@code from} in {@code file} with {@code to} (same length). */
    private static int replace(Path file, String from, String to) throws Exception {
        String bytes = new String(Files.readAllBytes(file), ISO_8859_1);
        int count = 0;
        for (int at = bytes.indexOf(from); at >= 0; at = bytes.indexOf(from, at + 1)) count++;
        Files.write(file, bytes.replace(from, to).getBytes(ISO_8859_1));
        return count;
    }
}
