package org.kalaja.sentinel;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.kalaja.sentinel.sigma.Fields;

/**
 * One thing a caller did or tried. It MUST NOT hold a record body or a token secret: events leave the
 * node (exports, SIEMs, the national CERT), bodies stay in the log.
 *
 * @param actor      the principal, as entries record it: {@code token:<id>}, {@code anonymous} (a failed
 *                   sign-in), {@code sentinel}, {@code system}
 * @param actorName  the token's name, "" when unknown
 * @param role       the principal's role id ({@code admin}, {@code clerk}, …), "" when unknown
 * @param address    the client's address as the server saw it, "" when local
 * @param collection the record's collection, "" when the action concerns none
 * @param key        the record's key, "" when the action concerns none (a list has a collection only)
 * @param version    the record version written or read, -1 when unknown
 * @param index      the log index of the entry that holds the event, -1 before it is written
 * @param count      items touched (a list's page size), 1 otherwise
 * @param reason     the refusal's error code on failure ({@code version_conflict}, {@code unknown_token},
 *                   {@code safe_mode}, …), "" on success
 * @param extra      further ECS fields, by name ({@code kalaja.change.opaque_score},
 *                   {@code kalaja.first_seen.address}, …); values as {@link Fields#get} allows
 */
public record AuditEvent(Instant time, Action action, Outcome outcome, String actor, String actorName, String role,
        String address, String userAgent, String collection, String key, long version, long index, int count, String reason,
        Map<String, Object> extra) implements Fields {

    public AuditEvent {
        extra = Map.copyOf(extra);
    }

    /** This event with more ECS fields, e.g. what the sentinel scored before evaluating the rules. */
    public AuditEvent with(Map<String, Object> more) {
        Map<String, Object> all = new java.util.HashMap<>(extra);
        all.putAll(more);
        return new AuditEvent(time, action, outcome, actor, actorName, role, address, userAgent, collection, key, version,
                index, count, reason, all);
    }

    /** This event as done by {@code other}, e.g. a revoked token's owner rather than {@code anonymous}. */
    public AuditEvent withActor(String other) {
        return new AuditEvent(time, action, outcome, other, actorName, role, address, userAgent, collection, key, version, index, count,
                reason, extra);
    }

    @Override
    public @Nullable Object get(String ecsName) {
        return switch (ecsName) {
            case "@timestamp" -> time.toString();
            case "event.action" -> action.id();
            case "event.outcome" -> outcome.id();
            case "user.id" -> actor;
            case "user.name" -> actorName.isEmpty() ? null : actorName;
            case "user.roles" -> role.isEmpty() ? null : List.of(role);
            case "source.ip" -> address.isEmpty() ? null : address;
            case "user_agent.original" -> userAgent.isEmpty() ? null : userAgent;
            case "kalaja.collection" -> collection.isEmpty() ? null : collection;
            case "kalaja.key" -> key.isEmpty() ? null : key;
            case "kalaja.record" -> key.isEmpty() ? null : collection + "/" + key;
            case "kalaja.version" -> version < 0 ? null : version;
            case "kalaja.index" -> index < 0 ? null : index;
            case "kalaja.count" -> (long) count;
            case "kalaja.reason" -> reason.isEmpty() ? null : reason;
            default -> extra.get(ecsName);
        };
    }
}
