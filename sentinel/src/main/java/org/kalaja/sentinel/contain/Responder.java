package org.kalaja.sentinel.contain;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.contain.Containment.Blocked;
import org.kalaja.sentinel.contain.Containment.Frozen;
import org.kalaja.sentinel.contain.Containment.SafeMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a finding's {@code kalaja.contain} actions in two steps: on the request thread it opens or
 * updates the incident and makes every action take effect in memory (so the triggering request and all
 * later ones are refused); on the sentinel's single writer thread it makes them durable, in this order:
 * the INCIDENT entry of the finding, token revocations, freeze, block and safe-mode records, and the
 * incident's new state. Writes of one finding never interleave with another's, and a failed write is
 * logged and does not undo what took effect in memory (the log replay at the next start re-detects).
 */
final class Responder {
    private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

    private final SystemRecords records;
    private final Containment containment;
    private final Incidents incidents;
    private final Independence lineage;
    private final Tokens tokens;
    private final Clock clock;
    private final ExecutorService writer;
    private final AtomicLong pending = new AtomicLong();

    Responder(SystemRecords records, Containment containment, Incidents incidents, Independence lineage, Tokens tokens, Clock clock,
            ExecutorService writer) {
        this.records = records;
        this.containment = containment;
        this.incidents = incidents;
        this.lineage = lineage;
        this.tokens = tokens;
        this.clock = clock;
        this.writer = writer;
    }

    long pending() {
        return pending.get();
    }

    /** Acts on {@code f}, raised by {@code trigger}; returns the incident's id. */
    String respond(Finding f, AuditEvent trigger) {
        Instant now = clock.instant();
        String actor = f.groupValue("user.id") != null ? f.groupValue("user.id") : trigger.actor();
        String address = f.groupValue("source.ip") != null ? f.groupValue("source.ip") : trigger.address();
        boolean token = actor.startsWith("token:");
        String target = target(trigger);
        List<String> actions = new ArrayList<>();
        boolean contained = false;
        for (String a : f.contain()) {
            switch (a) {
                case "revoke" -> {
                    if (token) {
                        actions.add("revoke " + actor);
                        contained = true;
                    }
                }
                case "revoke_target" -> {
                    if (target != null) {
                        actions.add("revoke " + target);
                        contained = true;
                    }
                }
                case "freeze" -> {
                    if (token) {
                        actions.add("freeze " + actor);
                        contained = true;
                    }
                }
                case "block_address" -> {
                    if (!address.isEmpty()) {
                        actions.add("block " + address + " until " + now.plus(f.blockFor()));
                        contained = true;
                    }
                }
                case "safe_mode", "safe_mode_provisional" -> {
                    actions.add(a);
                    contained = true;
                }
                default -> actions.add(a);
            }
        }
        Incidents.Opened opened = incidents.onFinding(f, trigger, token ? actor : "", address, now, actions, contained);
        String id = opened.incident().id();
        String reason = f.rule().title() + " by " + (token ? actor : address.isEmpty() ? trigger.actor() : address);
        Frozen frozen = new Frozen(id, now, reason);
        Blocked blocked = new Blocked(id, now, now.plus(f.blockFor()), reason);
        SafeMode safeMode = new SafeMode(id, now, reason, !f.contain().contains("safe_mode"));
        boolean safeModeSwitched = false;
        for (String a : f.contain()) {
            switch (a) {
                case "revoke" -> {
                    if (token) containment.revokingNow(actor, frozen);
                }
                case "revoke_target" -> {
                    if (target != null) containment.revokingNow(target, frozen);
                }
                case "freeze" -> {
                    if (token) containment.freezeNow(actor, frozen);
                }
                case "block_address" -> {
                    if (!address.isEmpty()) containment.blockNow(address, blocked);
                }
                case "safe_mode", "safe_mode_provisional" -> safeModeSwitched |= containment.safeModeNow(safeMode);
                default -> {
                }
            }
        }
        boolean persistSafeMode = safeModeSwitched;
        // Requests racing the one that crossed the threshold match too; they add nothing to write but their origin.
        if (!opened.grew() && !opened.changed()) return id;
        submit(opened.grew()
                ? () -> persist(f, trigger, opened, actions, actor, token, target, address, frozen, blocked, persistSafeMode ? safeMode : null)
                : () -> {
                    // A finding may only have moved the start earlier: the start index follows before the record is written.
                    step("locate the start of " + id, () -> incidents.locateStart(id, records::firstIndexAtOrAfter));
                    step("record incident " + id, () -> incidents.persist(id));
                });
        return id;
    }

    private void submit(Runnable task) {
        pending.incrementAndGet();
        writer.execute(() -> {
            try {
                task.run();
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    private void persist(Finding f, AuditEvent trigger, Incidents.Opened opened, List<String> actions, String actor, boolean token,
            @Nullable String target, String address, Frozen frozen, Blocked blocked, @Nullable SafeMode safeMode) {
        String id = opened.incident().id();
        step("locate the start of " + id, () -> {
            incidents.locateStart(id, records::firstIndexAtOrAfter);
        });
        step("append the finding of " + id, () -> incidents.appendFinding(id, f, trigger, actions));
        Set<String> scope = new LinkedHashSet<>();
        if (token) {
            scope.add(actor);
            if ("actor_and_created".equals(f.scope())) scope.addAll(lineage.createdBy(actor));
        }
        for (String a : f.contain()) {
            switch (a) {
                case "revoke" -> scope.forEach(s -> step("revoke " + s, () -> {
                    containment.revokingNow(s, frozen);
                    revoke(s);
                }));
                case "revoke_target" -> {
                    if (target != null) step("revoke " + target, () -> revoke(target));
                }
                case "freeze" -> scope.forEach(s -> step("freeze " + s, () -> {
                    containment.freezeNow(s, frozen);
                    containment.persistFreeze(s, frozen);
                }));
                case "block_address" -> {
                    if (!address.isEmpty()) step("block " + address, () -> containment.persistBlock(address, blocked));
                }
                case "safe_mode", "safe_mode_provisional" -> {
                    if (safeMode != null) step("enter safe mode", () -> containment.persistSafeMode(safeMode));
                }
                default -> {
                }
            }
        }
        step("record incident " + id, () -> incidents.persist(id));
    }

    private void revoke(String actor) {
        try {
            tokens.revoke(SystemRecords.SENTINEL, actor.substring("token:".length()));
        } catch (EngineException e) {
            if (e.problem() != EngineException.Problem.NOT_FOUND) throw e;
        }
    }

    /** The token an event created: a {@code token.create} names it as its key in {@code kalaja.tokens}. */
    private static @Nullable String target(AuditEvent e) {
        if (Tokens.COLLECTION.equals(e.collection()) && !e.key().isEmpty()) return "token:" + e.key();
        return e.get("kalaja.target") instanceof String s && s.startsWith("token:") ? s : null;
    }

    private static void step(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("sentinel could not {}: {}; it holds in memory until the next start", what, e.toString(), e);
        }
    }
}
