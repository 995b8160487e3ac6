package org.kalaja.sentinel.investigate;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The OASIS STIX 2.1 JSON schemas (oasis-open/cti-stix2-json-schemas, in the shared data folder), loaded
 * from local files keyed by their {@code $id}, so the relative {@code $ref}s resolve without fetching
 * anything.
 */
final class StixSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path root;
    private final SchemaRegistry registry;
    private final Map<String, String> idByFile = new HashMap<>();

    private StixSchemas(Path root) throws IOException {
        this.root = root;
        Map<String, String> byId = new HashMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                String text = Files.readString(f);
                String id = JSON.readTree(text).path("$id").asText();
                byId.put(id, text);
                idByFile.put(root.relativize(f).toString().replace('\\', '/'), id);
            }
        }
        registry = SchemaRegistry.withDialect(Dialects.getDraft202012(), b -> b.schemas(byId));
    }

    /** The schemas, or the test is skipped saying where they were looked for. */
    static StixSchemas load() throws IOException {
        String shared = System.getProperty("kalaja.sharedData");
        Path root = (shared != null ? Path.of(shared) : Path.of("").toAbsolutePath().resolve("../../shared/data"))
                .resolve("stix2.1-json-schemas/schemas").normalize();
        assumeTrue(Files.isDirectory(root.resolve("common")), "the OASIS STIX 2.1 JSON schemas are not at " + root
                + " (oasis-open/cti-stix2-json-schemas; set -Dkalaja.sharedData to the folder holding stix2.1-json-schemas)");
        return new StixSchemas(root);
    }

    /** The schema of a file relative to the schemas folder, e.g. {@code common/bundle.json}. */
    Schema schema(String file) {
        String id = idByFile.get(file);
        if (id == null) throw new IllegalArgumentException("no schema " + file + " under " + root);
        return registry.getSchema(SchemaLocation.of(id));
    }

    /** The schema file a STIX object of {@code type} is described by. */
    String fileFor(String type) {
        for (String dir : List.of("sdos", "sros", "observables", "common")) {
            if (idByFile.containsKey(dir + "/" + type + ".json")) return dir + "/" + type + ".json";
        }
        throw new IllegalArgumentException("no OASIS schema for STIX type " + type);
    }

    static List<String> errors(Schema schema, JsonNode instance) {
        return schema.validate(instance).stream().map(Error::toString).toList();
    }
}
