package org.kalaja.sentinel.sigma;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: rules from YAML text, events from field maps. */
final class Sigma {
    static final Instant T0 = Instant.parse("2026-11-26T08:30:00Z");
    static final String LOGSOURCE = "logsource: {product: kalaja, service: audit}\n";

    private Sigma() {
    }

    /** The YAML as the only rules file (no defaults). */
    static RuleSet rules(Path dir, String yaml) {
        return RuleSet.of(List.of(write(dir, "rules.yml", yaml)), false, true);
    }

    static Path write(Path dir, String name, String yaml) {
        try {
            Path f = dir.resolve(name);
            Files.writeString(f, yaml);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Single-event base rules, one per (name, event.action) pair, as YAML documents each ending in ---. */
    static String baseRules(String... nameAction) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < nameAction.length; i += 2) {
            out.append("title: ").append(nameAction[i]).append("\nname: ").append(nameAction[i]).append('\n').append(LOGSOURCE)
                    .append("detection: {s: {event.action: ").append(nameAction[i + 1]).append("}, condition: s}\n---\n");
        }
        return out.toString();
    }

    /** An event from alternating field names and values. */
    static Fields event(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m::get;
    }

    static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }
}
