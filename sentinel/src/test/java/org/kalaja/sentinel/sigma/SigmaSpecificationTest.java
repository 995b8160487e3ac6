package org.kalaja.sentinel.sigma;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kalaja's rules against SigmaHQ's own schemas and samples, read from {@code ../shared/data/sigma-specification}
 * beside the project (system property {@code kalaja.sharedData} overrides); skipped, saying so, when absent.
 */
class SigmaSpecificationTest {
    @TempDir
    Path dir;

    private static Path specification() {
        String configured = System.getProperty("kalaja.sharedData");
        // Surefire runs in the module directory: the project root is its parent, shared data beside that.
        Path shared = configured != null ? Path.of(configured) : Path.of(System.getProperty("user.dir"), "..", "..", "shared", "data");
        Path spec = shared.normalize().resolve("sigma-specification");
        assumeTrue(Files.isDirectory(spec.resolve("json-schema")), "Sigma specification not found at " + spec
                + " (SigmaHQ/sigma-specification is reference data beside the project, not part of it)");
        return spec;
    }

    private static Schema schema(Path file) throws IOException {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(Files.readString(file), InputFormat.JSON);
    }

    @Test
    void shippedRulesValidateAgainstSigmaSchemas() throws IOException {
        Path spec = specification();
        Schema detection = schema(spec.resolve("json-schema/sigma-detection-rule-schema.json"));
        Schema correlation = schema(spec.resolve("json-schema/sigma-correlation-rules-schema.json"));
        YAMLMapper yaml = new YAMLMapper();
        int documents = 0;
        for (String file : RuleSet.DEFAULT_FILES) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(RuleSet.DEFAULT_DIR + file);
                    MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(yaml.getFactory().createParser(in))) {
                while (it.hasNextValue()) {
                    JsonNode doc = it.nextValue();
                    documents++;
                    Schema s = doc.has("correlation") ? correlation : detection;
                    List<Error> errors = s.validate(doc);
                    assertThat(errors).as(file + ": " + doc.path("title").asText()).isEmpty();
                    assertThat(doc.path("status").asText()).as(file).isEqualTo("experimental");
                    assertThat(doc.path("taxonomy").asText()).as(file).isEqualTo("ecs");
                }
            }
        }
        assertThat(documents).isEqualTo(RuleSet.defaults().rules().size());
        // The schemas are really applied: a wrong level and a malformed tag are caught.
        JsonNode tampered = yaml.readTree("title: t\nlogsource: {product: kalaja}\ndetection: {s: {x: 1}, condition: s}\n"
                + "level: severe\ntags: [Attack T1485]\n");
        assertThat(detection.validate(tampered).stream().map(e -> e.getInstanceLocation().toString()).toList())
                .contains("/level", "/tags/0");
    }

    @Test
    void everyShippedFileIsADefault() throws URISyntaxException, IOException {
        Path resources = Path.of(getClass().getClassLoader().getResource(RuleSet.DEFAULT_DIR).toURI());
        try (Stream<Path> files = Files.list(resources)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrderElementsOf(RuleSet.DEFAULT_FILES);
        }
    }

    @Test
    void specSampleDetectionRulesAreRefusedForTheirLogsourceButOtherwiseUnderstood() {
        Path rules = specification().resolve("tests/schema/rules");
        for (String sample : List.of("rule_1.yml", "rule_ecs.yml")) {
            assertThatThrownBy(() -> RuleSet.load(List.of(rules.resolve(sample)))).isInstanceOf(RuleException.class)
                    .hasMessageContaining(sample).hasMessageContaining("A Title").hasMessageContaining("logsource");
        }
        RuleSet anyLogsource = RuleSet.of(List.of(rules.resolve("rule_ecs.yml")), false, false);
        Evaluator ev = new Evaluator(anyLogsource);
        assertThat(ev.evaluate(Sigma.event("dns.question.name", "SigmaHQ"), Sigma.T0)).hasSize(1);
        assertThat(ev.evaluate(Sigma.event("dns.question.name", "sigmahq.io"), Sigma.T0)).isEmpty();
        RuleSet windows = RuleSet.of(List.of(rules.resolve("rule_1.yml")), false, false);
        assertThat(windows.rules().getFirst().techniques()).extracting(t -> t.id() + " " + t.name())
                .containsExactly("T1211 ", "T1562.001 Impair Defenses");
    }

    @Test
    void specSampleCorrelationsLoadWhereTheyUseTheSubset() {
        Path samples = specification().resolve("tests/schema/correlation");
        Path base = Sigma.write(dir, "base.yml", Stream.of("5638f7c0-ac70-491d-8465-2a65075e0d86", "recon_cmd_a", "recon_cmd_b",
                "recon_cmd_c", "website_access", "rule_a_id", "process_creation").map(ref -> """
                title: Base %1$s
                %2$s: %1$s
                %3$s
                detection: {s: {event.action: %1$s}, condition: s}
                """.formatted(ref, ref.contains("-") ? "id" : "name", Sigma.LOGSOURCE.strip())).reduce((a, b) -> a + "---\n" + b).orElseThrow());
        List<String> loaded = new ArrayList<>();
        for (String sample : List.of("event_count.yml", "event_count_ecs.yml", "temporal.yml", "temporal_ordered.yml", "value_count.yml",
                "value_sum.yml")) {
            RuleSet set = RuleSet.of(List.of(base, samples.resolve(sample)), false, true);
            loaded.add(set.rules().getLast().title());
        }
        assertThat(loaded).hasSize(6).contains("Recon ordered", "Possible Exfiltration to Website");
        for (String sample : List.of("value_avg.yml", "value_percentile.yml")) {
            assertThatThrownBy(() -> RuleSet.of(List.of(base, samples.resolve(sample)), false, true)).isInstanceOf(RuleException.class)
                    .hasMessageContaining(sample).hasMessageContaining("unsupported correlation type '" + sample.replace(".yml", "") + "'");
        }
        // The loaded sample counts what it says: bytes_sent summed per SourceIP and User over an hour.
        Evaluator ev = new Evaluator(RuleSet.of(List.of(base, samples.resolve("value_sum.yml")), false, true));
        Fields half = Sigma.event("event.action", "website_access", "SourceIP", "10.0.0.1", "User", "u", "bytes_sent", 600_000L);
        assertThat(ev.evaluate(half, Sigma.at(0))).isEmpty();
        assertThat(ev.evaluate(half, Sigma.at(60))).extracting(m -> m.rule().title()).containsExactly("Possible Exfiltration to Website");
    }

    @Test
    void specSampleFiltersAreRefused() {
        Path filters = specification().resolve("tests/schema/filter");
        assertThatThrownBy(() -> RuleSet.load(List.of(filters))).isInstanceOf(RuleException.class).hasMessageContaining("filter");
    }
}
