package org.kalaja.sentinel.undo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.HistoryItem;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.Store;
import org.kalaja.ledger.Entry;
import org.kalaja.ledger.EntryCodec;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.undo.UndoPlan.Change;
import org.kalaja.sentinel.undo.UndoPlan.Conflict;
import org.kalaja.sentinel.undo.UndoResult.Done;

/**
 * Undoes what an incident's actors did to records, by appending compensating entries (design §7.2).
 *
 * <p>{@link #plan} reads only; {@link #apply} writes one compensating entry per planned change through
 * {@code RecordsEngine.compensate} (which passes the safe-mode barrier), with the record's current
 * version as precondition and the idempotency key {@code undo:<incident>:<collection>/<key>} (above
 * 128 characters, {@code undo:<incident>:} and the first 32 hex digits of SHA-256 of
 * {@code <collection>/<key>}). The key is also how a later plan recognises a record already undone, so
 * applying twice writes nothing new. A record a legitimate actor changed after the implicated ones is
 * a {@link Conflict}: never written. The caller MUST have checked that {@code admin} may undo (one
 * independent administrator, design §6.3). Thread-safe.
 */
public final class IncidentUndo {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEY_LIMIT = 128;

    private final RecordsEngine engine;
    private final Compensator compensator;

    /** Undo on {@code engine}, writing through {@code RecordsEngine.compensate}. */
    public static IncidentUndo of(RecordsEngine engine) {
        return new IncidentUndo(engine, engine::compensate);
    }

    IncidentUndo(RecordsEngine engine, Compensator compensator) {
        this.engine = engine;
        this.compensator = compensator;
    }

    /**
     * Plans the undo of {@code incident}'s record changes made at or after its {@code startedIndex}.
     *
     * @param includeAddresses also undo changes made from the incident's addresses by anyone
     * @param since            consider changes from this time instead of the incident's start
     */
    public UndoPlan plan(Incident incident, boolean includeAddresses, Optional<Instant> since) {
        Store store = engine.store();
        long size = store.size();
        long from = since.map(t -> firstIndexAt(store, t, size)).orElse(incident.startedIndex());
        Set<String> actors = RecordPlanner.nonEmpty(incident.actors());
        Set<String> addresses = includeAddresses ? RecordPlanner.nonEmpty(incident.addresses()) : Set.of();
        Predicate<Entry> implicated = e -> RecordPlanner.recordChange(e)
                && (actors.contains(e.actor()) || addresses.contains(e.clientAddress()));
        TreeSet<RecordId> touched = new TreeSet<>();
        store.entries(Math.min(from, size), size, stored -> {
            Entry e = EntryCodec.decode(stored.data());
            if (implicated.test(e)) touched.add(new RecordId(e.collection(), e.key()));
        });
        RecordPlanner planner = new RecordPlanner(engine, implicated, from);
        List<Change> changes = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        int unchanged = 0;
        for (RecordId id : touched) {
            RecordPlanner.Decision d = planner.decide(id, undoKey(incident.id(), id));
            if (d.change() != null) {
                changes.add(d.change());
            } else if (d.conflict() != null) {
                conflicts.add(d.conflict());
            } else {
                unchanged++;
            }
        }
        return new UndoPlan(incident.id(), from, size, changes, conflicts, unchanged);
    }

    /**
     * Appends the plan's compensating entries, then, if any was new, an INCIDENT {@code type: undo}
     * entry at {@code kalaja.incidents/<id>} listing them. A record changed since the plan was made
     * fails its precondition and is reported as a conflict, not written.
     *
     * @throws EngineException if the engine refuses a write for another reason (unavailable, invalid)
     */
    public UndoResult apply(Caller admin, UndoPlan plan) {
        RecordPlanner bodies = new RecordPlanner(engine, e -> false, plan.fromIndex());
        List<Done> restored = new ArrayList<>();
        List<Done> deleted = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>(plan.conflicts());
        int unchanged = plan.unchanged();
        for (Change c : plan.changes()) {
            RecordId id = c.record();
            byte[] body = c.kind() == UndoPlan.Kind.RESTORE ? bodies.body(id, c.goodIndex()) : null;
            WriteResult r;
            try {
                // A deleted current version cannot be named as a put's precondition: "still absent" stands for it.
                long expected = c.currentDeleted() ? 0 : c.currentVersion();
                r = compensator.compensate(admin, id.collection(), id.key(), body, expected,
                        undoKey(plan.incidentId(), id)).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof EngineException x && x.problem() == EngineException.Problem.VERSION_CONFLICT) {
                    conflicts.add(laterChange(c));
                    continue;
                }
                throw e.getCause() instanceof RuntimeException x ? x : e;
            }
            if (r.replayed()) {
                unchanged++;
            } else if (body == null) {
                deleted.add(new Done(id, c.currentVersion(), 0, r.version(), r.index()));
            } else {
                restored.add(new Done(id, c.currentVersion(), c.goodVersion(), r.version(), r.index()));
            }
        }
        long index = -1;
        if (!restored.isEmpty() || !deleted.isEmpty()) {
            index = engine.appendSystem(EntryKind.INCIDENT, admin, new RecordId(Incident.COLLECTION, plan.incidentId()),
                    evidence(plan, restored, deleted, conflicts, unchanged), -1).join().index();
        }
        return new UndoResult(plan.incidentId(), restored, deleted, conflicts, unchanged, index);
    }

    /** The idempotency key of the compensation for {@code id}; at most 128 printable ASCII characters. */
    static String undoKey(String incidentId, RecordId id) {
        String key = "undo:" + incidentId + ":" + id.collection() + "/" + id.key();
        if (key.length() <= KEY_LIMIT) return key;
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((id.collection() + "/" + id.key()).getBytes(StandardCharsets.UTF_8));
            return "undo:" + incidentId + ":" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private Conflict laterChange(Change c) {
        List<HistoryItem> newest = engine.history(c.record().collection(), c.record().key(), Long.MAX_VALUE, 1);
        HistoryItem later = newest.getFirst();
        return new Conflict(c.record(), c.badVersions(), later.version(), later.actor());
    }

    /** The first index whose entry's time is at or after {@code time} (binary search: entry times never decrease). */
    private static long firstIndexAt(Store store, Instant time, long size) {
        long lo = 0;
        long hi = size;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            Instant t = EntryCodec.decode(store.entry(mid).orElseThrow().data()).time();
            if (t.isBefore(time)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static byte[] evidence(UndoPlan plan, List<Done> restored, List<Done> deleted, List<Conflict> conflicts,
            int unchanged) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1).put("type", "undo").put("incident", plan.incidentId()).put("from_index", plan.fromIndex());
        done(o.putArray("restored"), restored);
        done(o.putArray("deleted"), deleted);
        ArrayNode c = o.putArray("conflicts");
        for (Conflict x : conflicts) {
            ObjectNode n = c.addObject().put("record", x.record().toString()).put("later_version", x.laterVersion())
                    .put("later_actor", x.laterActor());
            x.badVersions().forEach(n.putArray("bad_versions")::add);
        }
        o.put("unchanged", unchanged);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void done(ArrayNode into, List<Done> rows) {
        rows.forEach(d -> into.addObject().put("record", d.record().toString()).put("from_version", d.fromVersion())
                .put("to_version", d.toVersion()).put("version", d.version()).put("index", d.index()));
    }
}
