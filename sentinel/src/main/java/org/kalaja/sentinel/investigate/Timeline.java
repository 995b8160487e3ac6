package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.engine.spi.Store;
import org.kalaja.engine.spi.StoredEntry;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Incident;

/**
 * Everything the actors and addresses of an incident did, from {@link #since()} to the end of the log
 * when it was built, with the sentinel's own entries about the incident (finding, status, containment,
 * undo); the records they changed; the indicators; the ATT&CK techniques.
 *
 * <p>Invariants: {@link #items()} are in log order (index, then ordinal within an ACCESS batch); an item
 * is there exactly when its actor is one of the incident's actors (or a token one of them created, found
 * in the log), or its address one of the incident's addresses, or the entry is about the incident; entries before {@link #fromIndex()} (the first entry at
 * or after {@code since}, found by binary search since entry times never decrease) are not looked at.
 *
 * @param node     the log's origin, read from its identity entry (index 0)
 * @param logSize  the log's size when the timeline was built: entries at or after it are not in it
 */
public record Timeline(Incident incident, String node, Instant since, long fromIndex, long logSize, List<Item> items,
        List<AffectedRecord> affected, Indicators indicators) {

    /** How far back the timeline looks by default: attackers prepare, and credentials are stolen weeks before use. */
    public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(30);

    public Timeline {
        items = List.copyOf(items);
        affected = List.copyOf(affected);
    }

    /** Why an entry is in the timeline (and in the evidence pack). */
    public enum Why {
        /** Done by an implicated actor or from an implicated address. */
        IMPLICATED,
        /** The sentinel's finding or the incident's status record. */
        INCIDENT,
        /** What Kalaja did about it: revocation, freeze, block, safe mode. */
        CONTAINMENT,
        /** An administrator's compensating entries, and the undo report. */
        UNDO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One thing that happened, as the log records it.
     *
     * @param ordinal the event's position within its entry (ACCESS batches hold many), else 0
     * @param action  the audit action id, e.g. {@code record.delete}
     * @param version the record version written, -1 when none
     */
    public record Item(Instant time, long index, int ordinal, String actor, String address, String userAgent, String action,
            String collection, String key, long version, String outcome, String reason, Why why) {
    }

    /**
     * A record an implicated actor changed since the incident started.
     *
     * @param versionBefore the version just before the first implicated change, 0 when the attacker created it
     * @param indexBefore   that version's log index, -1 when there is none
     * @param changedByOthersAfter a non-implicated actor wrote the latest version, after the attack: undo reports it
     */
    public record AffectedRecord(String collection, String key, long firstBadIndex, long versionBefore, long indexBefore,
            boolean deletedBefore, long latestVersion, long latestIndex, String latestActor, boolean latestDeleted,
            boolean changedByOthersAfter) {
    }

    /** What a defender can search for elsewhere: addresses, token actors and user agents, sorted. */
    public record Indicators(List<String> addresses, List<String> tokens, List<String> userAgents) {
        public Indicators {
            addresses = List.copyOf(addresses);
            tokens = List.copyOf(tokens);
            userAgents = List.copyOf(userAgents);
        }
    }

    /** The incident's techniques, as the sentinel tagged them. */
    public List<Incident.Technique> techniques() {
        return incident.techniques();
    }

    /** The indexes of every entry the timeline names, ascending, without duplicates. */
    public Set<Long> entryIndexes() {
        Set<Long> s = new TreeSet<>();
        items.forEach(i -> s.add(i.index()));
        return s;
    }

    /**
     * Builds the timeline of {@code incident} from {@code store}.
     *
     * @param since where to start; null for {@link #DEFAULT_LOOKBACK} before the incident started
     */
    public static Timeline build(Store store, Incident incident, @Nullable Instant since) {
        Instant from = since != null ? since : incident.started().minus(DEFAULT_LOOKBACK);
        long size = store.size();
        long fromIndex = firstAtOrAfter(store, from, size);
        // Tokens an implicated actor created are implicated too: a stolen admin token mints its own. The log is
        // in order, so a token's creation is seen before anything it does.
        Set<String> actors = new HashSet<>(incident.actors());
        Set<String> minted = new TreeSet<>();
        Set<String> addresses = new TreeSet<>(incident.addresses());
        addresses.remove("");
        List<Item> items = new ArrayList<>();
        Map<RecordId, Long> firstBad = new TreeMap<>();
        store.entries(fromIndex, size, stored -> {
            Entry e = EntryCodec.decode(stored.data());
            Why about = aboutIncident(e, incident, actors);
            List<AuditEvent> events = EntryEvents.of(stored.index(), e);
            for (int n = 0; n < events.size(); n++) {
                AuditEvent ev = events.get(n);
                boolean implicated = actors.contains(ev.actor()) || addresses.contains(ev.address());
                Why why = implicated ? Why.IMPLICATED : about;
                if (why == null) continue;
                items.add(new Item(ev.time(), stored.index(), n, ev.actor(), ev.address(), ev.userAgent(), ev.action().id(),
                        ev.collection(), ev.key(), ev.version(), ev.outcome().id(), ev.reason(), why));
                if (implicated && e.kind() == EntryKind.TOKEN_CREATED && actors.add("token:" + e.key())) minted.add("token:" + e.key());
                boolean mutation = e.kind() == EntryKind.RECORD_PUT || e.kind() == EntryKind.RECORD_DELETE;
                if (implicated && mutation && stored.index() >= incident.startedIndex()) {
                    firstBad.putIfAbsent(new RecordId(e.collection(), e.key()), stored.index());
                }
            }
        });
        List<AffectedRecord> affected = new ArrayList<>();
        firstBad.forEach((id, bad) -> affected.add(affected(store, id, bad, actors)));
        return new Timeline(incident, origin(store), from, fromIndex, size, items, affected, indicators(incident, minted, items));
    }

    /** The first index whose entry's time is at or after {@code t}; entry times never decrease. */
    static long firstAtOrAfter(Store store, Instant t, long size) {
        long lo = 0;
        long hi = size;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (time(store, mid).isBefore(t)) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static Instant time(Store store, long index) {
        return EntryCodec.decode(entry(store, index).data()).time();
    }

    private static StoredEntry entry(Store store, long index) {
        return store.entry(index).orElseThrow(() -> new IllegalStateException("the store has no entry " + index
                + " although its log is longer; run `kalaja verify`"));
    }

    /** Null when the entry is not about the incident; else why it is. */
    private static @Nullable Why aboutIncident(Entry e, Incident incident, Set<String> actors) {
        String id = incident.id();
        if (e.idempotencyKey().startsWith("undo:" + id + ":")) return Why.UNDO;
        if (e.collection().equals(Incident.COLLECTION) && e.key().equals(id)) return Why.INCIDENT;
        if (e.kind() == EntryKind.TOKEN_REVOKED && actors.contains("token:" + e.key())) return Why.CONTAINMENT;
        if (e.kind() != EntryKind.INCIDENT && e.kind() != EntryKind.CONFIG_CHANGED) return null;
        JsonNode body = EntryEvents.body(e);
        if (!id.equals(body.path("incident").asText(null))) return null;
        if (e.kind() == EntryKind.INCIDENT) return "undo".equals(body.path("type").asText()) ? Why.UNDO : Why.INCIDENT;
        return Why.CONTAINMENT;
    }

    private static AffectedRecord affected(Store store, RecordId id, long firstBad, Set<String> actors) {
        Optional<RecordState> state = store.state(id);
        long latestIndex = state.map(RecordState::index).orElse(firstBad);
        Entry latest = EntryCodec.decode(entry(store, latestIndex).data());
        long index = latestIndex;
        while (index >= firstBad) {
            index = entry(store, index).previousIndex();
        }
        long versionBefore = 0;
        boolean deletedBefore = false;
        if (index >= 0) {
            Entry before = EntryCodec.decode(entry(store, index).data());
            versionBefore = before.recordVersion();
            deletedBefore = before.kind() == EntryKind.RECORD_DELETE;
        }
        return new AffectedRecord(id.collection(), id.key(), firstBad, versionBefore, index, deletedBefore,
                latest.recordVersion(), latestIndex, latest.actor(), latest.kind() == EntryKind.RECORD_DELETE,
                latestIndex > firstBad && !actors.contains(latest.actor()));
    }

    private static Indicators indicators(Incident incident, Set<String> minted, List<Item> items) {
        Set<String> addresses = new TreeSet<>(incident.addresses());
        Set<String> tokens = new TreeSet<>(minted);
        Set<String> agents = new TreeSet<>(incident.userAgents());
        incident.actors().stream().filter(a -> a.startsWith("token:")).forEach(tokens::add);
        for (Item i : items) {
            if (i.why() != Why.IMPLICATED) continue;
            if (!i.address().isEmpty()) addresses.add(i.address());
            if (!i.userAgent().isEmpty()) agents.add(i.userAgent());
        }
        addresses.remove("");
        agents.remove("");
        return new Indicators(List.copyOf(addresses), List.copyOf(tokens), List.copyOf(agents));
    }

    /** The origin in the log's identity entry, or "" for a log without one. */
    private static String origin(Store store) {
        return store.entry(0).map(s -> EntryCodec.decode(s.data()))
                .filter(e -> e.kind() == EntryKind.LOG_CREATED)
                .map(e -> EntryEvents.body(e).path("origin").asText(""))
                .orElse("");
    }

    /** {@code timeline.json}: the whole timeline, snake_case names, ISO-8601 times. */
    public ObjectNode toJson() {
        return TimelineFormat.json(this);
    }

    /** {@code timeline.md}: the same for a person reading it, with a summary first. */
    public String toMarkdown() {
        return TimelineFormat.markdown(this);
    }

    /** Writes {@code timeline.json} and {@code timeline.md} into {@code dir}, which must exist. */
    public void writeTo(Path dir) throws IOException {
        Files.write(dir.resolve("timeline.json"), TimelineFormat.bytes(toJson()));
        Files.writeString(dir.resolve("timeline.md"), toMarkdown());
    }

    /** Counts of items per action, for summaries. */
    public Map<String, Long> actionCounts(Why why) {
        Map<String, Long> counts = new LinkedHashMap<>();
        items.stream().filter(i -> i.why() == why).forEach(i -> counts.merge(i.action(), 1L, Long::sum));
        return counts;
    }
}
