package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.kalaja.engine.Caller;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.AuditEvent;

/**
 * Maintenance windows ({@code kalaja.maintenance/<id>}): an announced bulk job by named actors on named
 * collections. While a window is open, matching events carry {@code kalaja.maintenance = <window id>}
 * before the rules see them; rules that honour windows exclude such events (brute force, first-seen and
 * defence rules never do). A window is a budget, not a blank cheque: beyond {@code max} events the tag is
 * no longer added. Opening one needs two approvals; the count of used events is kept in memory only, so
 * a restart gives a window its budget again.
 */
final class Maintenance {
    static final String COLLECTION = "kalaja.maintenance";
    static final String FIELD = "kalaja.maintenance";
    static final long DEFAULT_MAX = 5000;
    static final Set<String> DEFAULT_ACTIONS = Set.of("record.put", "record.delete");

    /** One window; {@code actions} are audit action ids ({@code record.delete}). */
    record Window(String id, Set<String> actors, Set<String> actions, Set<String> collections, Instant from, Instant until, long max,
            String reason, AtomicLong used) {
        boolean covers(AuditEvent e) {
            return !e.time().isBefore(from) && e.time().isBefore(until) && actors.contains(e.actor())
                    && actions.contains(e.action().id()) && collections.contains(e.collection());
        }
    }

    private final SystemRecords records;
    private volatile Window[] windows = new Window[0];

    Maintenance(SystemRecords records) {
        this.records = records;
    }

    synchronized void load(Instant now) {
        List<Window> open = new ArrayList<>();
        for (SystemRecords.Body b : records.list(COLLECTION)) {
            Window w = parse(b.key(), b.json());
            if (w.until().isAfter(now)) open.add(w);
        }
        windows = open.toArray(Window[]::new);
    }

    /** {@code event} tagged with the first open window covering it that has budget left; else unchanged. */
    AuditEvent tag(AuditEvent event) {
        Window[] ws = windows;
        if (ws.length == 0) return event;
        for (Window w : ws) {
            if (w.covers(event) && w.used().incrementAndGet() <= w.max()) return event.with(Map.of(FIELD, w.id()));
        }
        return event;
    }

    /**
     * Checks a window's parameters: {@code actors}, {@code collections} (non-empty lists of strings),
     * {@code from}, {@code until} (ISO-8601, from before until), optional {@code actions} and {@code max}.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static Window parse(String id, JsonNode p) {
        Set<String> actors = strings(p, "actors", true);
        Set<String> collections = strings(p, "collections", true);
        Set<String> actions = p.has("actions") ? strings(p, "actions", true) : DEFAULT_ACTIONS;
        Instant from = time(p, "from");
        Instant until = time(p, "until");
        if (!until.isAfter(from)) throw new IllegalArgumentException("a window's until must be after its from");
        long max = p.path("max").asLong(DEFAULT_MAX);
        if (max < 1) throw new IllegalArgumentException("a window's max must be a positive number of events");
        return new Window(id, actors, actions, collections, from, until, max, p.path("reason").asText(""), new AtomicLong());
    }

    /** Opens a window from approved parameters; durable before it takes effect. */
    synchronized String open(Caller by, String id, JsonNode params, String approval) {
        Window w = parse(id, params);
        ObjectNode body = SystemRecords.object().put("id", id);
        w.actors().forEach(body.putArray("actors")::add);
        w.actions().forEach(body.putArray("actions")::add);
        w.collections().forEach(body.putArray("collections")::add);
        body.put("from", w.from().toString()).put("until", w.until().toString()).put("max", w.max()).put("reason", w.reason())
                .put("approval", approval);
        records.write(EntryKind.CONFIG_CHANGED, by, COLLECTION, id, body, 0);
        List<Window> all = new ArrayList<>(List.of(windows));
        all.add(w);
        windows = all.toArray(Window[]::new);
        return "opened maintenance window " + id + " until " + w.until();
    }

    List<Window> windows() {
        return List.of(windows);
    }

    synchronized void sweep(Instant now) {
        Window[] ws = windows;
        if (ws.length == 0) return;
        List<Window> keep = new ArrayList<>();
        for (Window w : ws) if (w.until().isAfter(now)) keep.add(w);
        if (keep.size() != ws.length) windows = keep.toArray(Window[]::new);
    }

    private static Set<String> strings(JsonNode p, String field, boolean required) {
        JsonNode a = p.path(field);
        if (!a.isArray() || (required && a.isEmpty())) {
            throw new IllegalArgumentException("a window needs \"" + field + "\": a non-empty list of strings");
        }
        Set<String> out = new TreeSet<>();
        a.forEach(x -> {
            if (!x.isTextual() || x.asText().isEmpty()) throw new IllegalArgumentException("\"" + field + "\" holds a non-string");
            out.add(x.asText());
        });
        return out;
    }

    private static Instant time(JsonNode p, String field) {
        try {
            return Instant.parse(p.path(field).asText(""));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("a window needs \"" + field + "\" as an ISO-8601 time, e.g. 2026-11-27T18:00:00Z");
        }
    }
}
