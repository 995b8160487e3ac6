package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;

/**
 * Where exported events come from, the same for every event of a node.
 *
 * @param origin         the log's origin, e.g. {@code kalaja.example/log}: event ids are
 *                       {@code <origin>:<index>[:<ordinal in an ACCESS batch>]}, unique across logs
 * @param node           the node's host name ({@code observer.name}, OCSF {@code dst_endpoint.hostname},
 *                       the syslog HOSTNAME)
 * @param productVersion Kalaja's version
 */
public record ExportContext(String origin, String node, String productVersion) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** RFC 3339 with microseconds, as entries keep time. */
    static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** The event's id: its log position, and its place in an ACCESS batch. */
    public String uid(AuditEvent e) {
        Object ordinal = e.extra().get("kalaja.ordinal");
        return origin + ":" + e.index() + (ordinal == null ? "" : ":" + ordinal);
    }

    /** The HTTP method of the API call an action stands for, or "" for actions that are no API call. */
    static String method(AuditEvent e) {
        Object given = e.extra().get("http.request.method");
        if (given instanceof String s) return s;
        return switch (e.action()) {
            case RECORD_GET, RECORD_HISTORY, RECORD_LIST, RECORD_EXPORT -> "GET";
            case RECORD_PUT -> "PUT";
            case RECORD_DELETE, TOKEN_REVOKE -> "DELETE";
            case TOKEN_CREATE -> "POST";
            default -> "";
        };
    }

    /** The API path of the call, or "" when the action is no API call on a known resource. */
    static String path(AuditEvent e) {
        return switch (e.action()) {
            case RECORD_GET, RECORD_PUT, RECORD_DELETE -> "/api/v1/records/" + e.collection() + "/" + e.key();
            case RECORD_HISTORY -> "/api/v1/records/" + e.collection() + "/" + e.key() + "/history";
            case RECORD_LIST, RECORD_EXPORT -> "/api/v1/records/" + e.collection();
            case TOKEN_CREATE -> "/api/v1/tokens";
            case TOKEN_REVOKE -> "/api/v1/tokens/" + e.key();
            default -> "";
        };
    }

    static boolean isFinding(Action a) {
        return a == Action.FINDING || a == Action.STATE_AUDIT_MISMATCH || a == Action.INCIDENT_UPDATE;
    }

    /** Sigma level → OCSF severity_id (informational 1 … critical 5). */
    static int levelSeverity(AuditEvent e) {
        return switch (String.valueOf(e.extra().get("kalaja.rule.level"))) {
            case "low" -> 2;
            case "medium" -> 3;
            case "high" -> 4;
            case "critical" -> 5;
            default -> e.action() == Action.STATE_AUDIT_MISMATCH ? 5 : 1;
        };
    }

    static List<?> list(AuditEvent e, String name) {
        return e.extra().get(name) instanceof List<?> l ? l : List.of();
    }

    /**
     * Puts {@code value} at the dotted {@code path} under {@code root}, creating objects on the way;
     * a path whose prefix is already a value is skipped rather than clobbering it.
     */
    static void putPath(ObjectNode root, String path, Object value) {
        String[] parts = path.split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            if (next == null) next = at.putObject(parts[i]);
            if (!(next instanceof ObjectNode o)) return;
            at = o;
        }
        if (at.get(parts[parts.length - 1]) instanceof ObjectNode) return;
        at.set(parts[parts.length - 1], JSON.valueToTree(value));
    }

    static void putAll(ObjectNode root, Map<String, Object> fields) {
        fields.forEach((k, v) -> putPath(root, k, v));
    }
}
