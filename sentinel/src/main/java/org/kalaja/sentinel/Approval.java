package org.kalaja.sentinel;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A request for an action that needs two different, independent administrators, as the record
 * {@code kalaja.approvals/<id>} holds it; each change of status is a new version of that record.
 *
 * @param id          {@code apr-<yyyyMMdd>-<6 hex>}
 * @param action      {@code safe_mode.exit}, {@code actor.unfreeze}, {@code address.unblock},
 *                    {@code rule.raise} or {@code maintenance.window}
 * @param params      the action's parameters, as JSON values (strings, numbers, lists)
 * @param requestedBy the requesting admin's actor ({@code token:<id>}): the first of the two persons
 * @param approvedBy  the second admin's actor, null until granted
 * @param result      what the execution did, {@code ""} until executed
 */
public record Approval(String id, String action, Map<String, Object> params, String reason, String requestedBy,
        Instant requested, Instant expires, Status status, @Nullable String approvedBy, @Nullable Instant approved,
        String result) {

    /** The system collection holding one record per approval. */
    public static final String COLLECTION = "kalaja.approvals";

    public Approval {
        params = Map.copyOf(params);
    }

    /** This request at another step. */
    public Approval with(Status newStatus, @Nullable String by, @Nullable Instant at, String what) {
        return new Approval(id, action, params, reason, requestedBy, requested, expires, newStatus, by, at, what);
    }

    /** Where a request stands; {@link #EXPIRED} is reported for a pending one past {@code expires}. */
    public enum Status {
        PENDING, APPROVED, EXECUTED, CANCELLED, EXPIRED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Status ofId(String id) {
            return valueOf(id.toUpperCase(Locale.ROOT));
        }
    }
}
