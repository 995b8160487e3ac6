package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.Outcome;

/**
 * Maps audit events to OCSF 1.8.0 events (docs/AUDIT.md has the table and examples).
 *
 * <p>Invariants every mapped event keeps: {@code type_uid = class_uid × 100 + activity_id};
 * {@code metadata.uid} is the event's log position ({@link ExportContext#uid}); the actor, source
 * address, user agent and outcome of the audit event are always carried; a record body or token
 * secret never is (the audit event holds none).
 *
 * <p>Thread-safe.
 */
public final class OcsfMapper {
    /** The OCSF schema version the events follow. */
    public static final String VERSION = "1.8.0";

    /** An OCSF class and activity, with the names OCSF gives them. */
    record Kind(int classUid, String className, int categoryUid, String categoryName, int activityId, String activityName) {
        int typeUid() {
            return classUid * 100 + activityId;
        }
    }

    private final ExportContext context;

    public OcsfMapper(ExportContext context) {
        this.context = context;
    }

    /** The OCSF class, category and activity of {@code e}. */
    static Kind kind(AuditEvent e) {
        return switch (e.action()) {
            case RECORD_GET, RECORD_HISTORY, RECORD_LIST, RECORD_EXPORT -> api(2, "Read");
            case RECORD_PUT -> Boolean.TRUE.equals(e.extra().get("kalaja.created")) ? api(1, "Create") : api(3, "Update");
            case RECORD_DELETE -> api(4, "Delete");
            case AUTHZ_DENIED -> switch (ExportContext.method(e)) {
                case "GET" -> api(2, "Read");
                case "POST" -> api(1, "Create");
                case "PUT", "PATCH" -> api(3, "Update");
                case "DELETE" -> api(4, "Delete");
                default -> api(0, "Unknown");
            };
            case AUTH_SIGNIN, AUTH_FAILURE -> new Kind(3002, "Authentication", 3, "Identity & Access Management", 1, "Logon");
            case TOKEN_CREATE -> account(1, "Create");
            case TOKEN_REVOKE -> account(6, "Delete");
            case ACTOR_FREEZE -> account(9, "Lock");
            case ACTOR_UNFREEZE -> account(12, "Unlock");
            case CONFIG_CHANGE, ADDRESS_BLOCK, SAFE_MODE_ENTER, SAFE_MODE_EXIT, APPROVAL_REQUEST, APPROVAL_GRANT, WINDOW_OPEN, UNDO ->
                    new Kind(3004, "Entity Management", 3, "Identity & Access Management", 3, "Update");
            case STORE_FOREIGN_WRITE, STATE_REPAIR -> new Kind(6005, "Datastore Activity", 6, "Application Activity", 2, "Update");
            case FINDING, STATE_AUDIT_MISMATCH -> new Kind(2004, "Detection Finding", 2, "Findings", 1, "Create");
            case INCIDENT_UPDATE -> switch (String.valueOf(e.extra().get("kalaja.incident.status"))) {
                case "closed", "false_positive" -> incident(3, "Close");
                default -> e.version() == 1 ? incident(1, "Create") : incident(2, "Update");
            };
        };
    }

    private static Kind api(int activity, String name) {
        return new Kind(6003, "API Activity", 6, "Application Activity", activity, name);
    }

    private static Kind account(int activity, String name) {
        return new Kind(3001, "Account Change", 3, "Identity & Access Management", activity, name);
    }

    private static Kind incident(int activity, String name) {
        return new Kind(2005, "Incident Finding", 2, "Findings", activity, name);
    }

    /** OCSF severity_id: findings by their rule's Sigma level, failures Low, everything else Informational. */
    static int severity(AuditEvent e) {
        if (ExportContext.isFinding(e.action())) return ExportContext.levelSeverity(e);
        return e.outcome() == Outcome.FAILURE ? 2 : 1;
    }

    /** The OCSF event for {@code e}. */
    public ObjectNode map(AuditEvent e) {
        Kind k = kind(e);
        ObjectNode o = ExportContext.JSON.createObjectNode();
        o.put("class_uid", k.classUid()).put("class_name", k.className()).put("category_uid", k.categoryUid())
                .put("category_name", k.categoryName()).put("activity_id", k.activityId()).put("activity_name", k.activityName())
                .put("type_uid", k.typeUid()).put("type_name", k.className() + ": " + k.activityName())
                .put("time", e.time().toEpochMilli());
        int severity = severity(e);
        o.put("severity_id", severity).put("severity", SEVERITIES.get(severity));
        status(o, e, k);
        ObjectNode meta = o.putObject("metadata").put("version", VERSION);
        meta.putObject("product").put("name", "Kalaja").put("vendor_name", "Kalaja").put("version", context.productVersion());
        meta.put("uid", context.uid(e)).put("log_name", "kalaja.audit");
        ObjectNode user = o.putObject("actor").putObject("user").put("uid", e.actor()).put("type_id", userType(e));
        if (!e.actorName().isEmpty()) user.put("name", e.actorName());
        if (!e.address().isEmpty()) o.putObject("src_endpoint").put("ip", e.address());
        o.putObject("dst_endpoint").put("hostname", context.node());
        String method = ExportContext.method(e);
        if (!method.isEmpty() || !e.userAgent().isEmpty()) {
            ObjectNode http = o.putObject("http_request");
            if (!method.isEmpty()) http.put("http_method", method);
            if (!e.userAgent().isEmpty()) http.put("user_agent", e.userAgent());
            String path = ExportContext.path(e);
            if (!path.isEmpty()) http.putObject("url").put("path", path);
        }
        specific(o, e, k);
        ObjectNode kalaja = o.putObject("unmapped").putObject("kalaja");
        kalaja.put("action", e.action().id()).put("count", e.count());
        if (e.index() >= 0) kalaja.put("index", e.index());
        if (e.version() >= 0) kalaja.put("version", e.version());
        if (!e.role().isEmpty()) kalaja.put("role", e.role());
        e.extra().forEach((name, value) -> {
            if (name.startsWith("kalaja.")) ExportContext.putPath(kalaja, name.substring("kalaja.".length()), value);
        });
        return o;
    }

    private static final List<String> SEVERITIES = List.of("Unknown", "Informational", "Low", "Medium", "High", "Critical", "Fatal");

    private static void status(ObjectNode o, AuditEvent e, Kind k) {
        if (k.classUid() == 2005) {
            // Incident Finding's status is the incident's, not the event's outcome.
            String s = String.valueOf(e.extra().get("kalaja.incident.status"));
            int id = switch (s) {
                case "open" -> 1;
                case "contained" -> 2;
                case "undone" -> 4;
                case "closed", "false_positive" -> 5;
                default -> 0;
            };
            o.put("status_id", id).put("status", List.of("Unknown", "New", "In Progress", "On Hold", "Resolved", "Closed").get(id));
            if (s.equals("false_positive")) o.put("status_detail", "false_positive");
            if (!e.reason().isEmpty()) o.put("status_detail", e.reason());
            return;
        }
        if (k.classUid() == 2004) {
            // A Detection Finding's status is the finding's: a new one.
            o.put("status_id", 1).put("status", "New");
            return;
        }
        int id = switch (e.outcome()) {
            case SUCCESS -> 1;
            case FAILURE -> 2;
            case UNKNOWN -> 0;
        };
        o.put("status_id", id).put("status", List.of("Unknown", "Success", "Failure").get(id));
        if (!e.reason().isEmpty()) o.put("status_detail", e.reason());
    }

    /** OCSF user type: 2 Admin, 3 System (the node, the sentinel), 1 User, 0 Unknown (a failed sign-in). */
    private static int userType(AuditEvent e) {
        if (e.role().equals("admin")) return 2;
        if (!e.actor().startsWith("token:")) return e.actor().equals("anonymous") ? 0 : 3;
        return 1;
    }

    private void specific(ObjectNode o, AuditEvent e, Kind k) {
        switch (k.classUid()) {
            case 6003 -> {
                o.putObject("api").put("operation", e.action().id()).putObject("service").put("name", "kalaja");
                if (!e.collection().isEmpty()) {
                    boolean one = !e.key().isEmpty();
                    o.putArray("resources").addObject().put("type", one ? "record" : "collection")
                            .put("uid", one ? e.collection() + "/" + e.key() : e.collection());
                }
            }
            case 3002 -> {
                ObjectNode user = o.putObject("user").put("uid", e.actor());
                if (!e.actorName().isEmpty()) user.put("name", e.actorName());
                Object presented = e.extra().get("kalaja.token_id");
                if (presented != null) user.put("credential_uid", "token:" + presented);
                o.put("auth_protocol_id", 99).put("auth_protocol", "Bearer token").put("logon_type_id", 3).put("logon_type", "Network");
                o.put("is_new_logon", e.action() == Action.AUTH_SIGNIN);
            }
            case 3001 -> {
                ObjectNode user = o.putObject("user").put("uid", String.valueOf(e.extra().getOrDefault("kalaja.target", e.key())));
                Object name = e.extra().get("kalaja.target_name");
                if (name != null) user.put("name", name.toString());
            }
            case 3004 -> o.putObject("entity").put("name", entityName(e)).put("type", entityType(e.action()));
            case 6005 -> o.putObject("database").put("name", "kalaja").put("type_id", 99).put("type", "Kalaja store");
            case 2004 -> o.set("finding_info", findingInfo(e));
            case 2005 -> o.putArray("finding_info_list").add(findingInfo(e));
            default -> throw new AssertionError("unmapped class " + k.classUid());
        }
    }

    private static String entityName(AuditEvent e) {
        return switch (e.action()) {
            case SAFE_MODE_ENTER, SAFE_MODE_EXIT -> "safe_mode";
            case ADDRESS_BLOCK -> "address:" + e.extra().getOrDefault("kalaja.target", e.key());
            case UNDO -> "incident:" + e.extra().getOrDefault("kalaja.incident.id", e.key());
            default -> e.collection().isEmpty() ? "config" : "config:" + e.collection() + "/" + e.key();
        };
    }

    private static String entityType(Action a) {
        return switch (a) {
            case ADDRESS_BLOCK -> "network_address";
            case APPROVAL_REQUEST, APPROVAL_GRANT -> "approval";
            case WINDOW_OPEN -> "maintenance_window";
            case UNDO -> "incident";
            default -> "configuration";
        };
    }

    private ObjectNode findingInfo(AuditEvent e) {
        ObjectNode f = ExportContext.JSON.createObjectNode();
        f.put("uid", String.valueOf(e.extra().getOrDefault("kalaja.incident.id", context.uid(e))));
        f.put("title", String.valueOf(e.extra().getOrDefault("rule.description", e.action().id())));
        Object ruleId = e.extra().get("rule.id");
        if (ruleId != null) {
            f.putObject("analytic").put("uid", ruleId.toString())
                    .put("name", String.valueOf(e.extra().getOrDefault("rule.name", ruleId))).put("type_id", 1).put("type", "Rule");
        }
        List<?> ids = ExportContext.list(e, "threat.technique.id");
        List<?> names = ExportContext.list(e, "threat.technique.name");
        List<?> tactics = ExportContext.list(e, "threat.tactic.name");
        if (!ids.isEmpty()) {
            ArrayNode attacks = f.putArray("attacks");
            String version = String.valueOf(e.extra().getOrDefault("labels.attack_version", "19.0"));
            for (int i = 0; i < ids.size(); i++) {
                ObjectNode a = attacks.addObject();
                a.putObject("technique").put("uid", ids.get(i).toString()).put("name", i < names.size() ? names.get(i).toString() : "");
                if (i < tactics.size()) a.putObject("tactic").put("name", tactics.get(i).toString());
                a.put("version", version);
            }
        }
        return f;
    }
}
