package org.kalaja.sentinel.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.Outcome;

/**
 * The audit events a committed log entry stands for. Mutations cost the write path nothing extra:
 * their entry already holds actor, address, user agent, time, record and version, so the event is
 * derived here, after the fact. Every event derived from the log succeeded (a refused request left
 * no entry; refusals reach the log in ACCESS batches).
 *
 * <ul>
 *   <li>RECORD_PUT, RECORD_DELETE: {@code record.put} ({@code kalaja.created} when version 1),
 *       {@code record.delete};</li>
 *   <li>ACCESS: the batch's events ({@link AccessCodec});</li>
 *   <li>TOKEN_CREATED, TOKEN_REVOKED: {@code token.create} with the token's name, role and creator,
 *       {@code token.revoke}; the target token is {@code kalaja.target};</li>
 *   <li>CONFIG_CHANGED, by collection: {@code kalaja.incidents} → {@code incident.update},
 *       {@code kalaja.frozen} → {@code actor.freeze|unfreeze}, {@code kalaja.blocked} →
 *       {@code address.block}, {@code kalaja.sentinel/safe-mode} → {@code safe_mode.enter|exit},
 *       {@code kalaja.approvals} → {@code approval.request|grant}, {@code kalaja.windows} →
 *       {@code window.open}, anything else {@code config.change};</li>
 *   <li>INCIDENT, by the body's {@code type}: {@code finding}, {@code undo}, {@code state_audit}
 *       ({@code state_audit.mismatch}), {@code repair} ({@code state.repair}),
 *       {@code foreign_write} ({@code store.foreign_write}); an unknown type is a finding;</li>
 *   <li>KEY_EVENT: {@code config.change} with {@code kalaja.key.event} (created, rewrapped,
 *       destroyed, kek-created, kek-destroyed), the KEK and the key's scope;</li>
 *   <li>every other kind (log creation, state digests): none.</li>
 * </ul>
 * Names and roles are "" here: the entry does not hold them ({@link Principals} looks them up).
 */
public final class LogEvents {
    private LogEvents() {}

    /**
     * The events of the entry at {@code index}.
     *
     * @throws IllegalArgumentException if an ACCESS entry's body is malformed
     */
    public static List<AuditEvent> of(long index, Entry entry) {
        return switch (entry.kind()) {
            case RECORD_PUT -> List.of(event(index, entry, Action.RECORD_PUT, Map.of("kalaja.created", entry.recordVersion() == 1)));
            case RECORD_DELETE -> List.of(event(index, entry, Action.RECORD_DELETE, Map.of()));
            case ACCESS -> AccessCodec.decode(index, entry);
            case TOKEN_CREATED -> List.of(tokenCreated(index, entry));
            case TOKEN_REVOKED -> List.of(event(index, entry, Action.TOKEN_REVOKE, Map.of("kalaja.target", "token:" + entry.key())));
            case CONFIG_CHANGED -> List.of(configChanged(index, entry));
            case INCIDENT -> List.of(incident(index, entry));
            case KEY_EVENT -> List.of(keyEvent(index, entry));
            default -> List.of();
        };
    }

    /** A data key created, rewrapped or destroyed (an erasure), or a KEK created or destroyed: who touched the keys. */
    private static AuditEvent keyEvent(long index, Entry entry) {
        JsonNode body = body(entry);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("kalaja.config.change", "key");
        putText(extra, "kalaja.key.event", body.path("event"));
        putText(extra, "kalaja.key.kek", body.path("kek"));
        putText(extra, "kalaja.key.scope", body.path("scope"));
        return event(index, entry, Action.CONFIG_CHANGE, extra);
    }

    private static AuditEvent tokenCreated(long index, Entry entry) {
        JsonNode body = body(entry);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("kalaja.target", "token:" + entry.key());
        putText(extra, "kalaja.target_name", body.path("name"));
        putText(extra, "kalaja.target_role", body.path("role"));
        putText(extra, "kalaja.created_by", body.path("created_by"));
        return event(index, entry, Action.TOKEN_CREATE, extra);
    }

    private static AuditEvent configChanged(long index, Entry entry) {
        JsonNode body = body(entry);
        Map<String, Object> extra = new LinkedHashMap<>();
        Action action = switch (entry.collection()) {
            case Incident.COLLECTION -> {
                incidentFields(body, extra);
                putText(extra, "kalaja.incident.status", body.path("status"));
                yield Action.INCIDENT_UPDATE;
            }
            case "kalaja.frozen" -> {
                extra.put("kalaja.target", entry.key());
                yield body.path("frozen").asBoolean(true) ? Action.ACTOR_FREEZE : Action.ACTOR_UNFREEZE;
            }
            case "kalaja.blocked" -> {
                extra.put("kalaja.target", entry.key());
                putText(extra, "kalaja.blocked_until", body.path("until"));
                yield Action.ADDRESS_BLOCK;
            }
            case "kalaja.sentinel" -> entry.key().equals("safe-mode")
                    ? (body.path("on").asBoolean(false) ? Action.SAFE_MODE_ENTER : Action.SAFE_MODE_EXIT) : Action.CONFIG_CHANGE;
            case "kalaja.approvals" -> {
                putText(extra, "kalaja.approval", body.path("action"));
                String status = body.path("status").asText("");
                yield status.equals("approved") || status.equals("executed") ? Action.APPROVAL_GRANT : Action.APPROVAL_REQUEST;
            }
            case "kalaja.windows" -> Action.WINDOW_OPEN;
            default -> {
                putText(extra, "kalaja.config.effect", body.path("effect"));
                yield Action.CONFIG_CHANGE;
            }
        };
        putText(extra, "kalaja.incident.id", body.path("incident"));
        return event(index, entry, action, extra);
    }

    private static AuditEvent incident(long index, Entry entry) {
        JsonNode body = body(entry);
        Action action = switch (body.path("type").asText("finding")) {
            case "undo" -> Action.UNDO;
            case "state_audit" -> Action.STATE_AUDIT_MISMATCH;
            case "repair" -> Action.STATE_REPAIR;
            case "foreign_write" -> Action.STORE_FOREIGN_WRITE;
            default -> Action.FINDING;
        };
        Map<String, Object> extra = new LinkedHashMap<>();
        incidentFields(body, extra);
        putText(extra, "kalaja.incident.id", body.path("incident"));
        if (body.path("count").isIntegralNumber()) extra.put("kalaja.finding.count", body.path("count").longValue());
        JsonNode trigger = body.path("trigger");
        AuditEvent e = event(index, entry, action, extra);
        // A finding is about the implicated actor, not about the sentinel that wrote it down.
        String implicated = body.path("group").path("user.id").asText(e.actor());
        return new AuditEvent(e.time(), e.action(), e.outcome(), implicated, "", "",
                trigger.path("address").asText(body.path("group").path("source.ip").asText(e.address())),
                trigger.path("user_agent").asText(e.userAgent()), trigger.path("collection").asText(""),
                trigger.path("key").asText(""), -1, index, 1, "", e.extra());
    }

    /** The rule and techniques of an incident record or finding body, as ECS names them. */
    private static void incidentFields(JsonNode body, Map<String, Object> extra) {
        JsonNode rule = body.path("rule");
        putText(extra, "rule.id", rule.path("id"));
        putText(extra, "rule.name", rule.path("name"));
        putText(extra, "rule.description", rule.path("title"));
        putText(extra, "kalaja.rule.level", rule.path("level"));
        putText(extra, "kalaja.incident.id", body.path("id"));
        List<Object> ids = new ArrayList<>();
        List<Object> names = new ArrayList<>();
        List<Object> tactics = new ArrayList<>();
        for (JsonNode t : body.path("techniques")) {
            ids.add(t.path("id").asText());
            names.add(t.path("name").asText());
            tactics.add(t.path("tactic").asText());
        }
        if (!ids.isEmpty()) {
            extra.put("threat.technique.id", ids);
            extra.put("threat.technique.name", names);
            extra.put("threat.tactic.name", tactics);
        }
        putText(extra, "labels.attack_version", body.path("attack_version"));
    }

    private static AuditEvent event(long index, Entry e, Action action, Map<String, Object> extra) {
        return new AuditEvent(e.time(), action, Outcome.SUCCESS, e.actor(), "", "", e.clientAddress(), e.userAgent(), e.collection(),
                e.key(), e.recordVersion(), index, 1, "", extra);
    }

    private static void putText(Map<String, Object> extra, String name, JsonNode value) {
        if (value.isTextual() && !value.asText().isEmpty()) extra.put(name, value.asText());
    }

    /** The entry's JSON body; an unreadable or out-of-line body reads as missing, so fields fall back to "". */
    private static JsonNode body(Entry entry) {
        if (entry.bodyType() != BodyType.JSON) return MissingNode.getInstance();
        try {
            JsonNode n = AccessCodec.JSON.readTree(entry.body());
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }
}
