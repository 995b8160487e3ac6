package org.kalaja.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kalaja.sentinel.export.FileSink;
import org.kalaja.sentinel.state.StateAudit;

/**
 * Reading sealed data is an access the sentinel sees: audited even where the collection is not declared
 * personal, flagged as sealed in the audit exports, and matched by an operator's own Sigma rule.
 */
@Timeout(120)
class SealingAuditTest {
    /** Alerts on every read of sealed data: what an operator who wants to see each one would add. */
    static final String SEALED_READ_RULE = """
            title: Read of sealed personal data
            id: 3f0c9a52-7d41-4b8e-a0f2-6c1d5e9b8a73
            name: sealed_read
            status: experimental
            taxonomy: ecs
            logsource:
                product: kalaja
                service: audit
            detection:
                selection:
                    event.action: record.get
                    kalaja.sealed: true
                condition: selection
            level: medium
            tags:
                - attack.collection
                - attack.t1213
            kalaja:
                attack_version: '19.0'
                contain: [alert]
            """;

    @TempDir
    Path dir;

    /** The audit exports, beside the data directory. */
    @TempDir
    Path exports;

    /** Only {@code civil} is declared personal: a read of {@code citizens} is audited because it is sealed. */
    private RunningNode start(Path out, FileSink.Format format) {
        NodeSentinel.Options sentinel = new NodeSentinel.Options(List.of(), Set.of("civil"), StateAudit.DEFAULT_INTERVAL,
                List.of(out.toString()), format, null, null, null);
        RunningNode n = RunningNode.start(dir, sentinel, KeyOptions.keystore("audit-test-passphrase"));
        assertThat(n.put(SealingApiTest.CITIZENS, n.adminToken, SealingApiTest.BY_PERSONAL_NUMBER).statusCode()).isEqualTo(200);
        return n;
    }

    private static List<JsonNode> exportedUntil(Path out, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String lines = "";
        while (System.nanoTime() < deadline && !lines.contains(expected)) {
            Thread.sleep(100);
            lines = Files.exists(out) ? Files.readString(out) : "";
        }
        assertThat(lines).as("the audit export").contains(expected);
        return lines.lines().map(RemoteNode::parse).toList();
    }

    private static String action(JsonNode line, FileSink.Format format) {
        return format == FileSink.Format.ECS ? line.path("event").path("action").asText() : line.path("unmapped").path("kalaja").path("action").asText();
    }

    private static String record(JsonNode line, FileSink.Format format) {
        return format == FileSink.Format.ECS ? line.path("kalaja").path("record").asText() : line.path("resources").path(0).path("uid").asText();
    }

    private static JsonNode kalaja(JsonNode line, FileSink.Format format) {
        return format == FileSink.Format.ECS ? line.path("kalaja") : line.path("unmapped").path("kalaja");
    }

    @ParameterizedTest
    @EnumSource(FileSink.Format.class)
    void aSealedReadIsExportedAsASealedAccessWithoutItsContent(FileSink.Format format) throws Exception {
        Path out = exports.resolve("audit-" + format + ".ndjson");
        try (RunningNode n = start(out, format)) {
            SealingApiTest.write(n, "c1", SealingApiTest.citizen("P-100", "Arta Krasniqi"));
            assertThat(n.put("/api/v1/records/towns/t1", n.adminToken, "{\"name\": \"Tirana\"}").statusCode()).isEqualTo(201);
            assertThat(n.get("/api/v1/records/towns/t1", n.adminToken).statusCode()).isEqualTo(200);
            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).body()).contains("Arta Krasniqi");

            List<JsonNode> lines = exportedUntil(out, "record.get");

            List<JsonNode> reads = lines.stream().filter(l -> action(l, format).equals("record.get")).toList();
            assertThat(reads).as("audited reads: the sealed one only (towns is neither sealed nor personal)").hasSize(1);
            assertThat(record(reads.getFirst(), format)).isEqualTo("citizens/c1");
            assertThat(kalaja(reads.getFirst(), format).path("sealed").isBoolean()).as(reads.getFirst().toString()).isTrue();
            assertThat(kalaja(reads.getFirst(), format).path("sealed").asBoolean()).isTrue();
            assertThat(Files.readString(out)).doesNotContain("Arta").doesNotContain("P-100");
        }
    }

    @Test
    void anOperatorsRuleOnSealedReadsOpensAnIncident() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules").resolve("sealed.yml"), SEALED_READ_RULE);
        try (RunningNode n = start(exports.resolve("audit.ndjson"), FileSink.Format.OCSF)) {
            SealingApiTest.write(n, "c1", SealingApiTest.citizen("P-100", "Arta Krasniqi"));
            assertThat(n.put("/api/v1/records/civil/k1", n.adminToken, "{\"name\": \"Besa\"}").statusCode()).isEqualTo(201);
            assertThat(n.get("/api/v1/records/civil/k1", n.adminToken).statusCode()).as("a personal read that is not sealed").isEqualTo(200);
            assertThat(sealedReadIncidents(n)).as("no such incident before a sealed read").isEmpty();

            assertThat(n.get("/api/v1/records/citizens/c1", n.adminToken).statusCode()).isEqualTo(200);
            n.node.sentinel().sentinel().flush();

            List<JsonNode> incidents = sealedReadIncidents(n);
            assertThat(incidents).hasSize(1);
            assertThat(incidents.getFirst().path("techniques").toString()).contains("T1213");
            assertThat(incidents.getFirst().toString()).doesNotContain("Arta");
        }
    }

    private static List<JsonNode> sealedReadIncidents(RunningNode n) {
        List<JsonNode> out = new java.util.ArrayList<>();
        RemoteNode.parse(n.get("/api/v1/incidents", n.adminToken).body()).path("incidents").forEach(i -> {
            if (i.path("rule").path("name").asText().equals("sealed_read")) out.add(i);
        });
        return out;
    }
}
