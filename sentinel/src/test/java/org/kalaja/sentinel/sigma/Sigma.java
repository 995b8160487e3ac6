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
