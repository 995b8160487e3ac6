package org.kalaja.sentinel.sigma;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads Sigma YAML files (several documents separated by {@code ---}) into rules, refusing every document
 * outside Kalaja's subset (docs/RULES.md). Detection rules MUST have {@code logsource: {product: kalaja,
 * service: audit}}; {@code taxonomy}, when present, MUST be {@code ecs}.
 */
final class RuleLoader {
    /** One document: a detection rule (with {@code detection}) or a correlation rule (with {@code correlation}). */
    record Loaded(Rule rule, @Nullable Detection detection, @Nullable Correlation correlation) {
    }

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> LEVELS = Set.of("informational", "low", "medium", "high", "critical");
    private static final Set<String> STATUSES = Set.of("stable", "test", "experimental", "deprecated", "unsupported");
    private static final Set<String> KALAJA_KEYS = Set.of("attack_version", "contain", "scope", "undo", "block_for");

    private final boolean kalajaLogsourceOnly;

    RuleLoader(boolean kalajaLogsourceOnly) {
        this.kalajaLogsourceOnly = kalajaLogsourceOnly;
    }

    List<Loaded> read(String file, InputStream in) {
        List<Map<?, ?>> docs = new ArrayList<>();
        try (JsonParser p = YAML.getFactory().createParser(in); MappingIterator<Object> it = YAML.readerFor(Object.class).readValues(p)) {
            while (it.hasNextValue()) {
                Object doc = it.nextValue();
                if (doc == null) continue;
                if (!(doc instanceof Map<?, ?> m)) throw new RuleException(file, "", "document " + (docs.size() + 1) + " is not a map");
                docs.add(m);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RuleException r) throw r;
            throw new RuleException(file, "", "not readable as YAML: " + e.getMessage());
        }
        List<Loaded> out = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) out.add(document(file, i + 1, docs.get(i)));
        return out;
    }

    private Loaded document(String file, int number, Map<?, ?> doc) {
        String title = doc.get("title") instanceof String t ? t : "";
        Object rawId = doc.get("id");
        String name = doc.get("name") instanceof String n ? n : "";
        String id = rawId != null ? String.valueOf(rawId) : !name.isEmpty() ? name : file + "#" + number;
        Origin origin = new Origin(file, "'" + title + "' (" + id + ")");
        if (title.isEmpty()) throw origin.refuse("document " + number + " has no title");
        if (doc.containsKey("filter")) throw origin.refuse("Sigma filter documents");
        if (doc.containsKey("action")) throw origin.refuse("rule collection action '" + doc.get("action") + "'");
        boolean detection = doc.containsKey("detection");
        boolean correlation = doc.containsKey("correlation");
        if (detection == correlation) throw origin.refuse("a document needs exactly one of detection and correlation");
        if (doc.containsKey("taxonomy") && !"ecs".equals(doc.get("taxonomy"))) {
            throw origin.refuse("taxonomy '" + doc.get("taxonomy") + "' (Kalaja's events use ecs)");
        }
        String level = doc.get("level") == null ? "medium" : String.valueOf(doc.get("level"));
        if (!LEVELS.contains(level)) throw origin.refuse("level '" + level + "'");
        if (doc.get("status") != null && !STATUSES.contains(String.valueOf(doc.get("status")))) {
            throw origin.refuse("status '" + doc.get("status") + "'");
        }
        List<String> tags = Correlation.strings(doc.get("tags"), "tags", origin);
        Map<String, Object> kalaja = kalaja(doc.get("kalaja"), origin);
        Rule rule = new Rule(id, name, title, level, tags, file, kalaja);
        if (correlation) {
            if (!(doc.get("correlation") instanceof Map<?, ?> c)) throw origin.refuse("correlation is not a map");
            return new Loaded(rule, null, Correlation.parse(rule, c, doc.get("generate"), origin));
        }
        if (doc.containsKey("generate")) throw origin.refuse("'generate' outside a correlation rule");
        logsource(doc.get("logsource"), origin);
        if (!(doc.get("detection") instanceof Map<?, ?> d)) throw origin.refuse("detection is not a map");
        return new Loaded(rule, Detection.compile(d, origin), null);
    }

    private void logsource(@Nullable Object raw, Origin origin) {
        if (!(raw instanceof Map<?, ?> ls)) throw origin.refuse("detection rule without logsource");
        if (!kalajaLogsourceOnly) return;
        Map<String, Object> seen = new LinkedHashMap<>();
        ls.forEach((k, v) -> {
            if (!"definition".equals(k)) seen.put(String.valueOf(k), v);
        });
        if (!seen.equals(Map.of("product", "kalaja", "service", "audit"))) {
            throw origin.refuse("logsource " + seen + " (Kalaja evaluates {product: kalaja, service: audit} only)");
        }
    }

    private static Map<String, Object> kalaja(@Nullable Object raw, Origin origin) {
        if (raw == null) return Map.of();
        if (!(raw instanceof Map<?, ?> m)) throw origin.refuse("kalaja is not a map");
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (!KALAJA_KEYS.contains(k)) throw origin.refuse("unknown kalaja field '" + k + "'");
            if (e.getValue() == null) throw origin.refuse("kalaja." + k + " is null");
            out.put(k, e.getValue() instanceof List<?> l ? List.copyOf(l) : e.getValue());
        }
        if (out.containsKey("attack_version") && !(out.get("attack_version") instanceof String)) {
            throw origin.refuse("kalaja.attack_version must be a string such as '19.0'");
        }
        if (out.containsKey("contain")) {
            for (String a : Correlation.strings(out.get("contain"), "kalaja.contain", origin)) {
                if (!Rule.CONTAIN_ACTIONS.contains(a)) throw origin.refuse("unknown containment action '" + a + "'");
            }
        }
        if (out.containsKey("scope") && !List.of("actor", "actor_and_created").contains(String.valueOf(out.get("scope")))) {
            throw origin.refuse("kalaja.scope '" + out.get("scope") + "'");
        }
        if (out.containsKey("block_for") && !String.valueOf(out.get("block_for")).matches("\\d{1,9}[smhd]")) {
            throw origin.refuse("kalaja.block_for '" + out.get("block_for") + "'");
        }
        return out;
    }
}
