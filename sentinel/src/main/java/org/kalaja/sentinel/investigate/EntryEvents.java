package org.kalaja.sentinel.investigate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.kalaja.ledger.BodyType;
import org.kalaja.ledger.Entry;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

/**
 * Log entries as audit events, for the timeline. The audit piece's {@code LogEvents.of(index, entry)} is
 * the one definition of this mapping; until it is committed this class decodes the entries the
 * investigation needs (mutations, tokens, incidents, containment, ACCESS batches in the format of design
 * §2.3). Switching over is {@link #of}'s body only.
 */
final class EntryEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EntryEvents() {
    }

    /** The events an entry holds, in order; their position in the list is their ordinal. */
    static List<AuditEvent> of(long index, Entry entry) {
        return decode(index, entry);
    }

    private static List<AuditEvent> decode(long index, Entry e) {
        Action action = switch (e.kind()) {
            case RECORD_PUT -> Action.RECORD_PUT;
            case RECORD_DELETE -> Action.RECORD_DELETE;
            case TOKEN_CREATED -> Action.TOKEN_CREATE;
            case TOKEN_REVOKED -> Action.TOKEN_REVOKE;
            case INCIDENT -> incidentAction(body(e));
            case CONFIG_CHANGED -> configAction(e.collection(), e.key(), body(e));
            case ACCESS -> null;
            default -> Action.CONFIG_CHANGE;
        };
        if (action == null) return access(index, e);
        return List.of(event(e.time(), action, e.actor(), e.clientAddress(), e.userAgent(), e.collection(), e.key(),
                e.recordVersion(), index, 1, ""));
    }

    private static Action incidentAction(JsonNode body) {
        return switch (body.path("type").asText("finding")) {
            case "undo" -> Action.UNDO;
            case "state_audit" -> Action.STATE_AUDIT_MISMATCH;
            case "repair" -> Action.STATE_REPAIR;
            default -> Action.FINDING;
        };
    }

    private static Action configAction(String collection, String key, JsonNode body) {
        return switch (collection) {
            case "kalaja.frozen" -> body.path("frozen").asBoolean(true) ? Action.ACTOR_FREEZE : Action.ACTOR_UNFREEZE;
            case "kalaja.blocked" -> Action.ADDRESS_BLOCK;
            case "kalaja.sentinel" -> key.equals("safe-mode") && !body.path("on").asBoolean(true)
                    ? Action.SAFE_MODE_EXIT : key.equals("safe-mode") ? Action.SAFE_MODE_ENTER : Action.CONFIG_CHANGE;
            case "kalaja.incidents" -> Action.INCIDENT_UPDATE;
            case "kalaja.approvals" -> Action.APPROVAL_REQUEST;
            case "kalaja.windows" -> Action.WINDOW_OPEN;
            default -> Action.CONFIG_CHANGE;
        };
    }

    /**
     * An ACCESS batch: {@code {"t0", "origins":[[actor,name,role,address,ua]], "events":[[µs,origin,action,c,k,count,reason
     * [,version [,fields]]]]}}.
     */
    private static List<AuditEvent> access(long index, Entry e) {
        JsonNode b = body(e);
        List<AuditEvent> out = new ArrayList<>();
        try {
            Instant t0 = Instant.parse(b.required("t0").asText());
            JsonNode origins = b.required("origins");
            for (JsonNode ev : b.required("events")) {
                JsonNode o = origins.get(ev.get(1).asInt());
                String reason = ev.path(6).asText("");
                AuditEvent a = event(t0.plus(ev.get(0).asLong(), ChronoUnit.MICROS), Action.ofId(ev.get(2).asText()),
                        o.get(0).asText(), o.path(3).asText(""), o.path(4).asText(""), ev.path(3).asText(""),
                        ev.path(4).asText(""), ev.size() > 7 ? ev.get(7).asLong() : -1, index, ev.path(5).asInt(1), reason);
                out.add(a);
            }
            return out;
        } catch (RuntimeException ex) {
            // A batch this version cannot read still shows, as one event of the entry's own actor.
            return List.of(event(e.time(), Action.RECORD_GET, e.actor(), e.clientAddress(), e.userAgent(), e.collection(),
                    e.key(), -1, index, 1, "undecoded_access_batch"));
        }
    }

    private static AuditEvent event(Instant time, Action action, String actor, String address, String userAgent,
            String collection, String key, long version, long index, int count, String reason) {
        return new AuditEvent(time, action, reason.isEmpty() ? Outcome.SUCCESS : Outcome.FAILURE, actor, "", "", address,
                userAgent, collection, key, version, index, count, reason, Map.of());
    }

    /** The JSON body, or an empty object when the entry has none or it is not JSON. */
    static JsonNode body(Entry e) {
        if (e.bodyType() != BodyType.JSON) return JSON.createObjectNode();
        try {
            JsonNode n = JSON.readTree(e.body());
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException ex) {
            return JSON.createObjectNode();
        }
    }
}
