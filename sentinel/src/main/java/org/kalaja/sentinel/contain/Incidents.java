package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Principal;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.ApprovalException;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.Incident.Status;

/**
 * The incidents the sentinel opened. Each one's current state is the record
 * {@code kalaja.incidents/<id>} (CONFIG_CHANGED versions, so its history is the incident's), and each
 * finding that opened or updated it is an INCIDENT entry at the same id. A finding of an open
 * incident's rule and group within the rule's timespan of its detection updates that incident instead
 * of opening another, so one attack is one incident however many requests it made.
 */
public final class Incidents {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SystemRecords records;
    private final Map<String, Incident> byId = new ConcurrentHashMap<>();
    /** rule id + group → incident id, for the incidents findings may still update. */
    private final Map<String, String> byGroup = new HashMap<>();
    private final Map<String, Map<String, Object>> groups = new ConcurrentHashMap<>();
    private @Nullable Independence independence;

    Incidents(SystemRecords records) {
        this.records = records;
    }

    void independence(Independence check) {
        this.independence = check;
    }

    synchronized void load() {
        for (SystemRecords.Body b : records.list(Incident.COLLECTION)) {
            try {
                Incident i = Incident.fromJson(SystemRecords.JSON.writeValueAsBytes(b.json()));
                byId.put(i.id(), i);
                @SuppressWarnings("unchecked")
                Map<String, Object> group = b.json().has("group") ? SystemRecords.JSON.convertValue(b.json().get("group"), Map.class) : Map.of();
                groups.put(i.id(), group);
                if (isOpen(i)) byGroup.put(i.rule().id() + "\0" + new java.util.TreeMap<>(group), i.id());
            } catch (IOException | IllegalArgumentException e) {
                org.slf4j.LoggerFactory.getLogger(Incidents.class).warn("incident record {} unreadable, skipped: {}", b.key(), e.getMessage());
            }
        }
    }

    /** Every incident, newest first. */
    public List<Incident> list() {
        List<Incident> all = new ArrayList<>(byId.values());
        all.sort(Comparator.comparing(Incident::detected).reversed().thenComparing(Incident::id));
        return all;
    }

    public Optional<Incident> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The incidents not closed: open, contained or undone. */
    public List<Incident> open() {
        return list().stream().filter(Incidents::isOpen).toList();
    }

    /**
     * The incidents not closed that Kalaja acted on (contained or undone). An alert-only incident (still
     * {@link Status#OPEN}), such as an administrator signing in with a new client, implicates nobody:
     * taking an admin's independence away would be containment the rule did not ask for.
     */
    List<Incident> containing() {
        return open().stream().filter(i -> i.status() != Status.OPEN).toList();
    }

    /** The actors of the incidents that contained them: they MUST NOT approve, undo or close anything. */
    Set<String> implicatedActors() {
        Set<String> out = new LinkedHashSet<>();
        for (Incident i : containing()) out.addAll(i.actors());
        return out;
    }

    static boolean isOpen(Incident i) {
        return i.status() != Status.CLOSED && i.status() != Status.FALSE_POSITIVE;
    }

    /**
     * Refuses an admin who is not independent of the open incidents: implicated, created by an
     * implicated actor, or created after an incident began. Undo and closing call it first.
     *
     * @throws ApprovalException NOT_INDEPENDENT, FORBIDDEN for a non-admin
     */
    public void requireIndependent(Principal admin, String role) {
        if (!admin.role().mayAdminister()) throw new ApprovalException(ApprovalException.Kind.FORBIDDEN, "only an admin may do this");
        if (independence != null) independence.check(admin.actor(), null, role);
    }

    /**
     * Records that {@code admin} undid the incident's damage: status {@link Status#UNDONE}, with what was
     * restored. The incident stays open (its actors implicated) until an admin closes it.
     *
     * @throws ApprovalException NOT_FOUND, NOT_INDEPENDENT, FORBIDDEN for a non-admin
     */
    public synchronized Incident undone(Principal admin, String id, String summary) {
        requireIndependent(admin, "undoing admin");
        Incident i = get(id).orElseThrow(() -> new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no incident " + id));
        Incident undone = i.with(Status.UNDONE, "undo by " + admin.actor() + (summary.isBlank() ? "" : ": " + summary));
        byId.put(id, undone);
        write(undone, admin.caller("", ""));
        return undone;
    }

    /**
     * Closes an incident as {@link Status#CLOSED} or {@link Status#FALSE_POSITIVE}. Containment it caused
     * stays until lifted by approvals; closing only ends its implicating of actors. The closing admin MUST
     * be independent of it (not implicated, not created by an implicated actor, created before it began).
     *
     * @throws ApprovalException NOT_FOUND, INVALID for another status, NOT_INDEPENDENT, FORBIDDEN for a non-admin
     */
    public synchronized Incident close(Principal admin, String id, Status status, String reason) {
        requireIndependent(admin, "closing admin");
        if (status != Status.CLOSED && status != Status.FALSE_POSITIVE) {
            throw new ApprovalException(ApprovalException.Kind.INVALID, "an incident is closed as closed or false_positive, not " + status.id());
        }
        Incident i = get(id).orElseThrow(() -> new ApprovalException(ApprovalException.Kind.NOT_FOUND, "no incident " + id));
        if (!isOpen(i)) throw new ApprovalException(ApprovalException.Kind.CONFLICT, "incident " + id + " is already " + i.status().id());
        Incident closed = i.with(status, status.id() + " by " + admin.actor() + (reason.isBlank() ? "" : ": " + reason));
        byId.put(id, closed);
        byGroup.values().remove(id);
        write(closed, admin.caller("", ""));
        return closed;
    }

    /**
     * What {@link #onFinding} did: the incident as it is now; whether the finding opened it; whether it
     * added actions (then its evidence and containment are written); whether anything changed at all.
     */
    record Opened(Incident incident, boolean isNew, boolean grew, boolean changed) {
    }

    /**
     * Opens an incident for {@code finding} or updates the open one of the same rule and group, adding
     * {@code actions} (those not yet listed) and the trigger's actor, address and user agent.
     */
    synchronized Opened onFinding(Finding f, AuditEvent trigger, String actor, String address, Instant now, List<String> actions,
            boolean contained) {
        String key = f.rule().id() + "\0" + f.groupKey();
        String id = byGroup.get(key);
        Incident old = id == null ? null : byId.get(id);
        boolean fresh = old == null || !isOpen(old) || f.last().isAfter(old.detected().plus(f.timespan()));
        Incident base = fresh
                ? new Incident(newId(now), f.rule(), f.techniques(), f.attackVersion(), List.of(), List.of(), List.of(), f.first(), -1, now,
                        Status.OPEN, List.of())
                : old;
        List<String> newActions = new ArrayList<>(base.actions());
        for (String a : actions) if (!newActions.contains(a)) newActions.add(a);
        Status status = contained && base.status() == Status.OPEN ? Status.CONTAINED : base.status();
        // Findings of racing requests arrive in any order, and a later one may have seen a window whose
        // oldest events were already evicted: the incident starts at the earliest first event of them all.
        Instant started = earliest(base.started(), f.first());
        Incident now2 = new Incident(base.id(), base.rule(), base.techniques(), base.attackVersion(), plus(base.actors(), actor),
                plus(base.addresses(), address), plus(base.userAgents(), trigger.userAgent()), started, base.startedIndex(),
                base.detected(), status, newActions);
        byId.put(now2.id(), now2);
        byGroup.put(key, now2.id());
        groups.putIfAbsent(now2.id(), f.group());
        boolean grew = fresh || newActions.size() > base.actions().size();
        return new Opened(now2, fresh, grew, grew || !now2.equals(base));
    }

    /** Sets the incident's start index from its start time; it only ever moves earlier, as the start does. */
    void locateStart(String id, java.util.function.ToLongFunction<Instant> firstIndexAtOrAfter) {
        Incident current = byId.get(id);
        if (current == null) return;
        long index = firstIndexAtOrAfter.applyAsLong(current.started());
        byId.computeIfPresent(id, (k, i) -> i.startedIndex() >= 0 && i.startedIndex() <= index ? i
                : new Incident(i.id(), i.rule(), i.techniques(), i.attackVersion(), i.actors(), i.addresses(), i.userAgents(), i.started(),
                        index, i.detected(), i.status(), i.actions()));
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Writes the incident's current state as a new version of its record. */
    void persist(String id) {
        Incident i = byId.get(id);
        if (i != null) write(i, SystemRecords.SENTINEL);
    }

    /** Appends the INCIDENT entry of one finding (no state change: the evidence of what matched and why). */
    void appendFinding(String id, Finding f, AuditEvent trigger, List<String> actions) {
        ObjectNode o = SystemRecords.object().put("v", 1).put("type", "finding").put("incident", id);
        o.putObject("rule").put("id", f.rule().id()).put("name", f.rule().name()).put("title", f.rule().title()).put("level", f.rule().level());
        f.techniques().forEach(t -> o.withArray("techniques").addObject().put("id", t.id()).put("name", t.name()).put("tactic", t.tactic()));
        o.put("attack_version", f.attackVersion());
        o.set("group", SystemRecords.JSON.valueToTree(f.group()));
        o.put("count", f.count());
        o.putObject("window").put("from", f.first().toString()).put("to", f.last().toString()).put("timespan", f.timespan().toString());
        o.putObject("trigger").put("action", trigger.action().id()).put("collection", trigger.collection()).put("key", trigger.key())
                .put("actor", trigger.actor()).put("address", trigger.address()).put("user_agent", trigger.userAgent());
        actions.forEach(o.putArray("actions")::add);
        records.write(EntryKind.INCIDENT, Incident.COLLECTION, id, o, -1);
    }

    private void write(Incident i, org.kalaja.engine.Caller by) {
        try {
            ObjectNode body = (ObjectNode) SystemRecords.JSON.readTree(i.toJson());
            body.set("group", SystemRecords.JSON.valueToTree(groups.getOrDefault(i.id(), Map.of())));
            records.write(EntryKind.CONFIG_CHANGED, by, Incident.COLLECTION, i.id(), body, -1);
        } catch (IOException e) {
            throw new AssertionError("Incident.toJson writes JSON", e);
        }
    }

    private static List<String> plus(List<String> list, String value) {
        if (value.isEmpty() || list.contains(value)) return list;
        List<String> out = new ArrayList<>(list);
        out.add(value);
        return out;
    }

    static String newId(Instant now) {
        byte[] b = new byte[3];
        RANDOM.nextBytes(b);
        return "inc-" + DAY.format(now) + "-" + HexFormat.of().formatHex(b);
    }

    static String newId(String prefix, Instant now) {
        return prefix + newId(now).substring(3);
    }
}
