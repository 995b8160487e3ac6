package org.kalaja.sentinel.contain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Principal;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.ledger.EntryKind;
import org.kalaja.sentinel.Approval;
import org.kalaja.sentinel.Approval.Status;
import org.kalaja.sentinel.ApprovalException;
import org.kalaja.sentinel.ApprovalException.Kind;

/**
 * Two-person approvals ({@code kalaja.approvals/<id>}): an admin requests an action that lifts or
 * loosens containment, a second, different and independent admin approves it within 24 hours, and the
 * sentinel executes it. Every step is a new version of the approval's record (pending → approved →
 * executed, or cancelled), and the action's own entries name the approval; an approval granted but not
 * executed when the node stopped is executed at the next start.
 *
 * <p>Actions: {@code safe_mode.exit}; {@code actor.unfreeze} {@code {actor}}; {@code address.unblock}
 * {@code {address}}; {@code rule.raise} {@code {rule, threshold | contain | disabled}};
 * {@code maintenance.window} {@code {actors, collections, from, until, actions?, max?, reason?}};
 * {@code config.loosen} {@code {digest}} (a start with fewer defences, see NodeConfigAudit);
 * {@code data.erase} {@code {pseudonym, reason}} (crypto-shredding one data subject: irreversible, so
 * never one administrator's decision; the subject itself is never written here, only its pseudonym).
 */
public final class Approvals {
    public static final Duration VALIDITY = Duration.ofHours(24);
    static final Set<String> ACTIONS = Set.of("safe_mode.exit", "actor.unfreeze", "address.unblock", "rule.raise", "maintenance.window",
            "config.loosen", "data.erase");

    private final SystemRecords records;
    private final Independence independence;
    private final Containment containment;
    private final Maintenance maintenance;
    private final Overrides overrides;
    private final Clock clock;
    private final Map<String, Approval> byId = new ConcurrentHashMap<>();
    private volatile Eraser eraser = Approvals::destroyKeysOnly;

    /** What {@code data.erase} does once granted; the node sets one that also rotates the KEKs (which needs the vaults). */
    @FunctionalInterface
    public interface Eraser {
        /** @return what was done, for the approval's result */
        String erase(RecordsEngine engine, Caller by, String pseudonym, String reason);
    }

    Approvals(SystemRecords records, Independence independence, Containment containment, Maintenance maintenance, Overrides overrides,
            Clock clock) {
        this.records = records;
        this.independence = independence;
        this.containment = containment;
        this.maintenance = maintenance;
        this.overrides = overrides;
        this.clock = clock;
    }

    /** Reads every approval; executes those granted whose execution a stop interrupted. */
    synchronized void load() {
        for (SystemRecords.Body b : records.list(Approval.COLLECTION)) {
            try {
                Approval a = fromJson(b.json());
                byId.put(a.id(), a);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(Approvals.class).warn("approval record {} unreadable, skipped: {}", b.key(), e.toString());
            }
        }
        for (Approval a : List.copyOf(byId.values())) {
            if (a.status() == Status.APPROVED) execute(a, SystemRecords.SENTINEL);
        }
    }

    /**
     * Requests {@code action}; the requester counts as the first of the two admins.
     *
     * @throws ApprovalException FORBIDDEN for a non-admin, INVALID for an unknown action or bad params,
     *     NOT_INDEPENDENT when the requester is implicated in an open incident (see {@link Independence})
     */
    public synchronized Approval request(Principal requester, String action, Map<String, Object> params, String reason) {
        requireAdmin(requester);
        if (!ACTIONS.contains(action)) {
            throw new ApprovalException(Kind.INVALID, "unknown action '" + action + "'; two-person actions are " + new java.util.TreeSet<>(ACTIONS));
        }
        JsonNode p = SystemRecords.JSON.valueToTree(params);
        validate(action, p);
        if (reason.isBlank()) throw new ApprovalException(Kind.INVALID, "say why in \"reason\": the second admin and the log read it");
        independence.check(requester.actor(), null, "requester");
        Instant now = clock.instant();
        Approval a = new Approval(Incidents.newId("apr", now), action, params, reason, requester.actor(), now, now.plus(VALIDITY),
                Status.PENDING, null, null, "");
        write(a, requester.caller("", ""), 0);
        byId.put(a.id(), a);
        return a;
    }

    /**
     * Grants a pending request and executes it; returns the executed approval.
     *
     * @throws ApprovalException NOT_FOUND; EXPIRED after 24 hours; CONFLICT when not pending;
     *     NOT_INDEPENDENT when {@code approver} is the requester or either admin is not independent;
     *     INVALID when the action can no longer be done
     */
    public synchronized Approval approve(Principal approver, String approvalId) {
        requireAdmin(approver);
        Approval a = pending(approvalId);
        independence.check(approver.actor(), a.requestedBy(), "approver");
        independence.check(a.requestedBy(), approver.actor(), "requester");
        Approval granted = a.with(Status.APPROVED, approver.actor(), clock.instant(), "");
        write(granted, approver.caller("", ""), -1);
        byId.put(a.id(), granted);
        return execute(granted, approver.caller("", ""));
    }

    /** Withdraws a pending request; any admin may, since withdrawing loosens nothing. */
    public synchronized Approval cancel(Principal admin, String approvalId) {
        requireAdmin(admin);
        Approval a = pending(approvalId);
        Approval cancelled = a.with(Status.CANCELLED, null, null, "cancelled by " + admin.actor());
        write(cancelled, admin.caller("", ""), -1);
        byId.put(a.id(), cancelled);
        return cancelled;
    }

    /** Every approval, newest first; a pending one past its time shows as expired. */
    public List<Approval> list() {
        List<Approval> all = new ArrayList<>();
        for (Approval a : byId.values()) all.add(view(a));
        all.sort(Comparator.comparing(Approval::requested).reversed().thenComparing(Approval::id));
        return all;
    }

    public Optional<Approval> get(String id) {
        return Optional.ofNullable(byId.get(id)).map(this::view);
    }

    int pendingCount() {
        return (int) list().stream().filter(a -> a.status() == Status.PENDING).count();
    }

    private Approval pending(String id) {
        Approval a = byId.get(id);
        if (a == null) throw new ApprovalException(Kind.NOT_FOUND, "no approval " + id);
        a = view(a);
        if (a.status() == Status.EXPIRED) {
            throw new ApprovalException(Kind.EXPIRED, "approval " + id + " expired at " + a.expires() + "; request it again");
        }
        if (a.status() != Status.PENDING) throw new ApprovalException(Kind.CONFLICT, "approval " + id + " is " + a.status().id() + ", not pending");
        return a;
    }

    private Approval view(Approval a) {
        if (a.status() == Status.PENDING && !clock.instant().isBefore(a.expires())) {
            return a.with(Status.EXPIRED, null, null, "");
        }
        return a;
    }

    private Approval execute(Approval a, Caller by) {
        JsonNode p = SystemRecords.JSON.valueToTree(a.params());
        String result;
        try {
            result = switch (a.action()) {
                case "safe_mode.exit" -> containment.exitSafeMode(by, a.id());
                case "actor.unfreeze" -> containment.unfreeze(by, p.path("actor").asText(), a.id());
                case "address.unblock" -> containment.unblock(by, p.path("address").asText(), a.id(), clock.instant());
                case "rule.raise" -> overrides.raise(by, p, a.id());
                case "maintenance.window" -> maintenance.open(by, Incidents.newId("win", clock.instant()), p, a.id());
                // Nothing to do now: the next start with that configuration finds this approval (NodeConfigAudit).
                case "config.loosen" -> "the configuration " + p.path("digest").asText() + " may start without safe mode";
                case "data.erase" -> eraser.erase(records.engine(), by, p.path("pseudonym").asText(), p.path("reason").asText());
                default -> throw new ApprovalException(Kind.INVALID, "unknown action " + a.action());
            };
        } catch (IllegalArgumentException | IllegalStateException | EngineException e) {
            throw new ApprovalException(Kind.INVALID, "approval " + a.id() + " was granted but " + a.action() + " failed: " + e.getMessage());
        }
        Approval done = a.with(Status.EXECUTED, a.approvedBy(), a.approved(), result);
        write(done, by, -1);
        byId.put(a.id(), done);
        return done;
    }

    private void validate(String action, JsonNode p) {
        try {
            switch (action) {
                case "actor.unfreeze" -> {
                    String actor = p.path("actor").asText("");
                    if (!containment.isFrozen(actor)) {
                        throw new IllegalArgumentException("\"actor\" " + (actor.isEmpty() ? "is missing" : actor + " is not frozen"));
                    }
                }
                case "address.unblock" -> {
                    if (p.path("address").asText("").isEmpty()) throw new IllegalArgumentException("\"address\" is missing");
                }
                case "safe_mode.exit" -> {
                    if (containment.safeMode().isEmpty()) throw new IllegalArgumentException("safe mode is off");
                }
                case "rule.raise" -> Overrides.validate(p);
                case "maintenance.window" -> Maintenance.parse("check", p);
                case "data.erase" -> {
                    if (!p.path("pseudonym").asText("").matches("[0-9a-f]{32}")) {
                        throw new IllegalArgumentException("\"pseudonym\" must be the 32 hex digits POST /api/v1/erasures answers");
                    }
                    if (p.path("reason").asText("").isBlank()) throw new IllegalArgumentException("\"reason\" (the erasure request's reference) is missing");
                }
                case "config.loosen" -> {
                    if (!p.path("digest").asText("").matches("[0-9a-f]{64}")) {
                        throw new IllegalArgumentException("\"digest\" must be the 64 hex digits `kalaja serve` prints for the configuration");
                    }
                }
                default -> throw new IllegalArgumentException("unknown action " + action);
            }
        } catch (IllegalArgumentException e) {
            throw new ApprovalException(Kind.INVALID, action + ": " + e.getMessage());
        }
    }

    /** Sets what a granted {@code data.erase} does (the node's: destroy the keys, then rotate once the vaults hold the rest). */
    public void eraser(Eraser e) {
        this.eraser = e;
    }

    /** Without the node's eraser (an erasure granted before a stop, executed at the next start): the keys now, the rotation later. */
    private static String destroyKeysOnly(RecordsEngine engine, Caller by, String pseudonym, String reason) {
        int n = engine.keyring().orElseThrow(() -> new IllegalStateException("this node has no key-management service"))
                .shredPseudonym(by, pseudonym, reason).size();
        return n + " data keys destroyed; run `kalaja keys rotate` so that no copy can open them";
    }

    private static void requireAdmin(Principal p) {
        if (!p.role().mayAdminister()) {
            throw new ApprovalException(Kind.FORBIDDEN, "only admins request and approve; this is a " + p.role().id() + " token");
        }
    }

    private void write(Approval a, Caller by, long expectedVersion) {
        ObjectNode o = SystemRecords.object().put("id", a.id()).put("action", a.action());
        o.set("params", SystemRecords.JSON.valueToTree(a.params()));
        o.put("reason", a.reason()).put("requested_by", a.requestedBy()).put("requested", a.requested().toString())
                .put("expires", a.expires().toString()).put("status", a.status().id());
        if (a.approvedBy() != null) o.put("approved_by", a.approvedBy());
        if (a.approved() != null) o.put("approved", a.approved().toString());
        o.put("result", a.result());
        records.write(EntryKind.CONFIG_CHANGED, by, Approval.COLLECTION, a.id(), o, expectedVersion);
    }

    @SuppressWarnings("unchecked")
    static Approval fromJson(JsonNode o) {
        return new Approval(o.required("id").asText(), o.required("action").asText(),
                SystemRecords.JSON.convertValue(o.path("params"), Map.class), o.path("reason").asText(""), o.required("requested_by").asText(),
                Instant.parse(o.required("requested").asText()), Instant.parse(o.required("expires").asText()),
                Status.ofId(o.required("status").asText()), text(o, "approved_by"),
                o.hasNonNull("approved") ? Instant.parse(o.get("approved").asText()) : null, o.path("result").asText(""));
    }

    private static @Nullable String text(JsonNode o, String field) {
        return o.hasNonNull(field) ? o.get(field).asText() : null;
    }
}
