package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kalaja serve}'s sentinel flags, on a real process: export to a file, and bad values refused before anything is created. */
@Timeout(90)
class SentinelServeTest {
    @TempDir
    Path tmp;

    @Test
    void auditOutWritesEcsLinesForWritesAndReads() throws Exception {
        Path out = tmp.resolve("audit.ndjson");
        ServeProcess node = ServeProcess.start(tmp.resolve("data"), "--audit-out", out.toString(), "--audit-format", "ecs",
                "--state-audit-interval", "30s", "--personal", "civil").awaitReady();
        try {
            assertThat(node.put("civil", "c1", "{\"name\": \"Arta\"}")).isEqualTo(201);
            assertThat(node.read("civil", "c1")).contains("Arta");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            String lines = "";
            while (System.nanoTime() < deadline && !(lines.contains("\"record.get\"") && lines.contains("\"record.put\""))) {
                Thread.sleep(100);
                lines = Files.exists(out) ? Files.readString(out) : "";
            }
            assertThat(lines).as("the export, after a put and an audited read").contains("\"record.put\"").contains("\"record.get\"")
                    .contains("\"ecs\"").contains("civil").doesNotContain("Arta");
        } finally {
            node.stop();
        }
    }

    @Test
    void badSentinelFlagsExitTwoAndCreateNothing() {
        for (String[] flags : new String[][] {{"--audit-format", "cef"}, {"--state-audit-interval", "soon"},
                {"--rules", tmp.resolve("no-such-rules").toString()}, {"--webhook", "http://127.0.0.1:9/hook"}}) {
            String[] args = new String[flags.length + 3];
            args[0] = "serve";
            args[1] = "--data";
            args[2] = tmp.resolve("data").toString();
            System.arraycopy(flags, 0, args, 3, flags.length);
            CliTest.Run run = CliTest.kalaja(args);
            assertThat(run.exit()).as(String.join(" ", flags) + ": " + run.err()).isEqualTo(2);
            assertThat(tmp.resolve("data")).doesNotExist();
        }
    }
}
