package org.kalaja.sentinel;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What an audit event records, named as its {@code event.action} ({@link #id()}, e.g.
 * {@code record.delete}). The set is closed so that every exporter maps every action; adding one MUST
 * come with its OCSF and ECS mapping.
 */
public enum Action {
    AUTH_SIGNIN, AUTH_FAILURE, AUTHZ_DENIED,
    RECORD_GET, RECORD_HISTORY, RECORD_LIST, RECORD_EXPORT, RECORD_PUT, RECORD_DELETE,
    TOKEN_CREATE, TOKEN_REVOKE, CONFIG_CHANGE,
    ACTOR_FREEZE, ACTOR_UNFREEZE, ADDRESS_BLOCK, SAFE_MODE_ENTER, SAFE_MODE_EXIT,
    APPROVAL_REQUEST, APPROVAL_GRANT, WINDOW_OPEN,
    STORE_FOREIGN_WRITE, STATE_AUDIT_MISMATCH, STATE_REPAIR,
    FINDING, INCIDENT_UPDATE, UNDO;

    private static final Map<String, Action> BY_ID = Arrays.stream(values()).collect(Collectors.toMap(Action::id, Function.identity()));

    /** {@code RECORD_DELETE} → {@code record.delete}; {@code SAFE_MODE_ENTER} → {@code safe_mode.enter}. */
    public String id() {
        String n = name().toLowerCase(Locale.ROOT);
        int split = switch (this) {
            case SAFE_MODE_ENTER, SAFE_MODE_EXIT, STATE_AUDIT_MISMATCH -> n.lastIndexOf('_');
            default -> n.indexOf('_');
        };
        return split < 0 ? n : n.substring(0, split) + "." + n.substring(split + 1);
    }

    /** The action whose {@link #id()} is {@code id}. @throws IllegalArgumentException if there is none */
    public static Action ofId(String id) {
        Action a = BY_ID.get(id);
        if (a == null) throw new IllegalArgumentException("no audit action " + id + "; known: " + BY_ID.keySet());
        return a;
    }
}
