package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.ContainedException.Kind;

/**
 * Who and what is contained: frozen actors ({@code kalaja.frozen/<actor>}), blocked addresses
 * ({@code kalaja.blocked/<address>}) and safe mode ({@code kalaja.sentinel/safe-mode}).
 *
 * <p>Containment MUST take effect in memory before the request that caused it is answered, and MUST
 * be durable as CONFIG_CHANGED entries (written by the sentinel a few milliseconds later); lifting it
 * is the reverse: durable first, then in memory. {@link #check} runs on every request: it reads three
 * concurrent maps and a volatile reference, takes no lock and reads no log.
 */
public final class Containment {
    static final String FROZEN = "kalaja.frozen";
    static final String BLOCKED = "kalaja.blocked";
    static final String SENTINEL = "kalaja.sentinel";
    static final String SAFE_MODE_KEY = "safe-mode";

    /** An actor refused everywhere since {@code since}, because of {@code incident} ({@code ""} when none). */
    public record Frozen(String incident, Instant since, String reason) {
    }

    /** An address refused until {@code until}. */
    public record Blocked(String incident, Instant since, Instant until, String reason) {
    }

    /** Record writes refused since {@code since}; a provisional safe mode lifts itself after a clean state audit. */
    public record SafeMode(String incident, Instant since, String reason, boolean provisional) {
    }

    private final SystemRecords records;
    private final Barrier barrier;
    private final Map<String, Frozen> frozen = new ConcurrentHashMap<>();
    /** Actors whose token revocation is decided but maybe not yet durable: refused like frozen ones. */
    private final Map<String, Frozen> revoking = new ConcurrentHashMap<>();
    private final Map<String, Blocked> blocked = new ConcurrentHashMap<>();
    private final AtomicReference<@Nullable SafeMode> safeMode = new AtomicReference<>();

    Containment(SystemRecords records, Barrier barrier) {
        this.records = records;
        this.barrier = barrier;
    }

    /** Rebuilds the state from the current versions of the system records; re-closes the barrier in safe mode. */
    void load(Instant now) {
        for (SystemRecords.Body b : records.list(FROZEN)) {
            if (b.json().path("frozen").asBoolean(false)) frozen.put(b.key(), frozenOf(b.json(), b.time()));
        }
        for (SystemRecords.Body b : records.list(BLOCKED)) {
            Instant until = instant(b.json(), "until", now);
            if (until.isAfter(now)) {
                blocked.put(b.key(), new Blocked(b.json().path("incident").asText(""), instant(b.json(), "since", b.time()), until,
                        b.json().path("reason").asText("")));
            }
        }
        records.read(SENTINEL, SAFE_MODE_KEY).filter(b -> b.json().path("on").asBoolean(false)).ifPresent(b -> {
            SafeMode m = new SafeMode(b.json().path("incident").asText(""), instant(b.json(), "since", b.time()),
                    b.json().path("reason").asText(""), b.json().path("provisional").asBoolean(false));
            safeMode.set(m);
            barrier.close(barrierReason(m));
        });
    }

    /**
     * Refuses {@code event} when its actor is frozen (or being revoked), its address blocked, or it is a
     * write ({@code record.put}, {@code record.delete}, {@code token.create}) in safe mode.
     *
     * @throws ContainedException saying which, since when, and how it is lifted
     */
    public void check(AuditEvent event) {
        Frozen f = frozen.get(event.actor());
        if (f == null) f = revoking.get(event.actor());
        if (f != null) {
            throw new ContainedException(Kind.ACTOR_FROZEN, f.incident(), f.since(), null, event.actor() + " is frozen since "
                    + f.since() + incidentClause(f.incident(), f.reason()) + ": every request with this token is refused."
                    + " Two administrators lift it with an approval {\"action\": \"actor.unfreeze\", \"params\": {\"actor\": \""
                    + event.actor() + "\"}}");
        }
        if (!event.address().isEmpty()) {
            Blocked b = blocked.get(event.address());
            if (b != null && b.until().isAfter(event.time())) {
                throw new ContainedException(Kind.ADDRESS_BLOCKED, b.incident(), b.since(), b.until(), "requests from "
                        + event.address() + " are refused until " + b.until() + incidentClause(b.incident(), b.reason())
                        + "; two administrators lift it earlier with an approval {\"action\": \"address.unblock\"}");
            }
        }
        SafeMode m = safeMode.get();
        if (m != null && isWrite(event.action())) {
            throw new ContainedException(Kind.SAFE_MODE, m.incident(), m.since(), null, "Kalaja is in safe mode since "
                    + m.since() + incidentClause(m.incident(), m.reason()) + ": record writes are refused, reads work."
                    + (m.incident().isEmpty() ? "" : " Administrators: GET /api/v1/incidents/" + m.incident()));
        }
    }

    static boolean isWrite(Action action) {
        return action == Action.RECORD_PUT || action == Action.RECORD_DELETE || action == Action.TOKEN_CREATE;
    }

    /** The frozen actors and why. */
    public Map<String, Frozen> frozen() {
        return Map.copyOf(frozen);
    }

    /** The addresses blocked now and until when. */
    public Map<String, Blocked> blocked(Instant now) {
        Map<String, Blocked> out = new java.util.TreeMap<>();
        blocked.forEach((a, b) -> {
            if (b.until().isAfter(now)) out.put(a, b);
        });
        return out;
    }

    public Optional<SafeMode> safeMode() {
        return Optional.ofNullable(safeMode.get());
    }

    public boolean isFrozen(String actor) {
        return frozen.containsKey(actor) || revoking.containsKey(actor);
    }

    /**
     * Lifts a provisional safe mode (one entered on suspicion, e.g. a foreign write to the store) once a
     * state audit found the state clean; a safe mode entered for an incident needs two approvals.
     *
     * @return whether safe mode was on, provisional, and is now off
     */
    public synchronized boolean liftProvisionalSafeMode(String reason) {
        SafeMode m = safeMode.get();
        if (m == null || !m.provisional()) return false;
        records.write(EntryKind.CONFIG_CHANGED, SENTINEL, SAFE_MODE_KEY, SystemRecords.object().put("on", false)
                .put("since", m.since().toString()).put("incident", m.incident()).put("reason", reason).put("provisional", true), -1);
        safeMode.set(null);
        barrier.open();
        return true;
    }

    // ----- taking effect in memory (request thread), then made durable (sentinel's writer thread)

    void freezeNow(String actor, Frozen f) {
        frozen.putIfAbsent(actor, f);
    }

    void revokingNow(String actor, Frozen f) {
        revoking.putIfAbsent(actor, f);
    }

    void blockNow(String address, Blocked b) {
        blocked.merge(address, b, (old, neu) -> neu.until().isAfter(old.until()) ? neu : old);
    }

    /** @return whether this call switched safe mode on */
    boolean safeModeNow(SafeMode m) {
        if (!safeMode.compareAndSet(null, m)) return false;
        barrier.close(barrierReason(m));
        return true;
    }

    void persistFreeze(String actor, Frozen f) {
        records.write(EntryKind.CONFIG_CHANGED, FROZEN, actor, SystemRecords.object().put("frozen", true)
                .put("incident", f.incident()).put("since", f.since().toString()).put("reason", f.reason()), -1);
    }

    void persistBlock(String address, Blocked b) {
        records.write(EntryKind.CONFIG_CHANGED, BLOCKED, address, SystemRecords.object().put("until", b.until().toString())
                .put("incident", b.incident()).put("since", b.since().toString()).put("reason", b.reason()), -1);
    }

    void persistSafeMode(SafeMode m) {
        records.write(EntryKind.CONFIG_CHANGED, SENTINEL, SAFE_MODE_KEY, SystemRecords.object().put("on", true)
                .put("since", m.since().toString()).put("incident", m.incident()).put("reason", m.reason())
                .put("provisional", m.provisional()), -1);
    }

    // ----- lifting (after two approvals): durable first, then in memory

    String unfreeze(Caller by, String actor, String approval) {
        if (!frozen.containsKey(actor) && !revoking.containsKey(actor)) return actor + " was not frozen";
        records.write(EntryKind.CONFIG_CHANGED, by, FROZEN, actor, SystemRecords.object().put("frozen", false)
                .put("approval", approval), -1);
        frozen.remove(actor);
        revoking.remove(actor);
        return "unfroze " + actor;
    }

    String unblock(Caller by, String address, String approval, Instant now) {
        if (!blocked.containsKey(address)) return address + " was not blocked";
        records.write(EntryKind.CONFIG_CHANGED, by, BLOCKED, address, SystemRecords.object().put("until", now.toString())
                .put("unblocked", true).put("approval", approval), -1);
        blocked.remove(address);
        return "unblocked " + address;
    }

    synchronized String exitSafeMode(Caller by, String approval) {
        SafeMode m = safeMode.get();
        if (m == null) return "safe mode was off";
        ObjectNode body = SystemRecords.object().put("on", false).put("since", m.since().toString()).put("incident", m.incident())
                .put("reason", m.reason()).put("provisional", m.provisional()).put("approval", approval);
        records.write(EntryKind.CONFIG_CHANGED, by, SENTINEL, SAFE_MODE_KEY, body, -1);
        safeMode.set(null);
        barrier.open();
        return "left safe mode";
    }

    /** Drops blocks that ended; they are refused no longer anyway, this only bounds memory. */
    void sweep(Instant now) {
        blocked.values().removeIf(b -> !b.until().isAfter(now));
    }

    /** What the engine tells a write it refuses, after "safe mode: ". */
    private static String barrierReason(SafeMode m) {
        return m.incident().isEmpty() ? m.reason() : "incident " + m.incident() + ", " + m.reason();
    }

    private static String incidentClause(String incident, String reason) {
        if (incident.isEmpty()) return reason.isEmpty() ? "" : " (" + reason + ")";
        return " (incident " + incident + (reason.isEmpty() ? "" : ", " + reason) + ")";
    }

    private static Frozen frozenOf(JsonNode json, Instant fallback) {
        return new Frozen(json.path("incident").asText(""), instant(json, "since", fallback), json.path("reason").asText(""));
    }

    static Instant instant(JsonNode json, String field, Instant fallback) {
        try {
            return json.hasNonNull(field) ? Instant.parse(json.get(field).asText()) : fallback;
        } catch (java.time.format.DateTimeParseException e) {
            return fallback;
        }
    }
}
