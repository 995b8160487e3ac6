package org.kalaja.sentinel;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineConfig;
import org.kalaja.engine.Principal;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.store.sqlite.SqliteStore;

/**
 * A real engine on SQLite with a sentinel on the default Sigma rules (plus test rule files), as the
 * server assembles them; reopened on the same file to test what survives a restart.
 */
final class Node implements AutoCloseable {
    final Path dir;
    final List<Path> rules;
    final Clock clock;
    final SqliteStore store;
    final RecordsEngine engine;
    final Tokens tokens;
    final Sentinel sentinel;

    Node(Path dir, List<Path> rules, Clock clock) {
        this.dir = dir;
        this.rules = rules;
        this.clock = clock;
        this.store = SqliteStore.open(dir.resolve("kalaja.db"));
        this.engine = RecordsEngine.open(store, EngineConfig.defaults());
        this.tokens = new Tokens(engine);
        SentinelConfig config = SentinelConfig.defaults().withRules(rules).withClock(clock);
        this.sentinel = Sentinel.start(engine, tokens, config);
    }

    Node(Path dir, List<Path> rules) {
        this(dir, rules, Clock.systemUTC());
    }

    Node(Path dir) {
        this(dir, List.of());
    }

    /** The same data directory opened again, as after a stop. */
    Node restart() {
        close();
        return new Node(dir, rules, clock);
    }

    Principal token(Caller by, Role role, String name) {
        Tokens.Issued t = tokens.create(by, role, name);
        return new Principal(t.id(), name, role);
    }

    Principal token(Principal by, Role role, String name) {
        return token(by.caller("10.0.0.1", "cli"), role, name);
    }

    static AuditEvent event(Action action, Principal p, String address, String collection, String key, Map<String, Object> extra) {
        return new AuditEvent(Instant.now(), action, Outcome.UNKNOWN, p.actor(), p.name(), p.role().id(), address, "curl/8.5",
                collection, key, -1, -1, 1, "", extra);
    }

    static AuditEvent event(Action action, Principal p, String collection, String key) {
        return event(action, p, "203.0.113.7", collection, key, Map.of());
    }

    /** A configuration change that reduces the node's defences without approval: the defaults enter safe mode. */
    static AuditEvent defencesReduced() {
        return new AuditEvent(Instant.now(), Action.CONFIG_CHANGE, Outcome.SUCCESS, "system:serve", "", "", "", "", "", "", -1, -1, 1, "",
                Map.of("kalaja.config.effect", "reduced"));
    }

    byte[] body(String text) {
        return ("{\"name\":\"" + text + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Entries from {@code from} to the end of the log. */
    List<Entry> entriesFrom(long from) {
        List<Entry> out = new ArrayList<>();
        store.entries(from, store.size(), e -> out.add(EntryCodec.decode(e.data())));
        return out;
    }

    /** Why the engine refuses writes, or null when it takes them. */
    String barrierClosedBecause() {
        return engine.barrier().closedBecause().orElse(null);
    }

    @Override
    public void close() {
        sentinel.close();
        engine.close();
        store.close();
    }
}
