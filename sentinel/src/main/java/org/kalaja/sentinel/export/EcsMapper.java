package org.kalaja.sentinel.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.kalaja.sentinel.AuditEvent;

/**
 * Maps audit events to Elastic Common Schema documents (docs/AUDIT.md has the table and examples).
 * The field names are those the sentinel's Sigma rules use ({@link AuditEvent#get}), so the shipped
 * rules also run in a SIEM over this export.
 *
 * <p>Thread-safe.
 */
public final class EcsMapper {
    /** The ECS version the documents follow. */
    public static final String VERSION = "9.4.0";

    private final ExportContext context;

    public EcsMapper(ExportContext context) {
        this.context = context;
    }

    /** ECS {@code event.category} and {@code event.type} of {@code e}. */
    static List<List<String>> categorize(AuditEvent e) {
        return switch (e.action()) {
            case RECORD_GET, RECORD_HISTORY, RECORD_LIST, RECORD_EXPORT -> of("api", "access");
            case RECORD_PUT -> of("api", Boolean.TRUE.equals(e.extra().get("kalaja.created")) ? "creation" : "change");
            case RECORD_DELETE -> of("api", "deletion");
            case AUTHZ_DENIED -> of("api", "denied");
            case AUTH_SIGNIN, AUTH_FAILURE -> of("authentication", "start");
            case TOKEN_CREATE -> of("iam", "creation", "admin");
            case TOKEN_REVOKE -> of("iam", "deletion", "admin");
            case ACTOR_FREEZE, ACTOR_UNFREEZE -> of("iam", "change", "admin");
            case CONFIG_CHANGE, ADDRESS_BLOCK, SAFE_MODE_ENTER, SAFE_MODE_EXIT, APPROVAL_REQUEST, APPROVAL_GRANT, WINDOW_OPEN, UNDO ->
                    of("configuration", "change");
            case STORE_FOREIGN_WRITE, STATE_REPAIR -> of("database", "change");
            case FINDING, STATE_AUDIT_MISMATCH, INCIDENT_UPDATE -> of("intrusion_detection", "info");
        };
    }

    private static List<List<String>> of(String category, String... types) {
        return List.of(List.of(category), List.of(types));
    }

    /** The ECS document for {@code e}. */
    public ObjectNode map(AuditEvent e) {
        ObjectNode o = ExportContext.JSON.createObjectNode();
        o.put("@timestamp", ExportContext.MICROS.format(e.time()));
        o.putObject("ecs").put("version", VERSION);
        boolean finding = ExportContext.isFinding(e.action());
        List<List<String>> cat = categorize(e);
        ObjectNode event = o.putObject("event").put("kind", finding ? "alert" : "event");
        strings(event.putArray("category"), cat.get(0));
        strings(event.putArray("type"), cat.get(1));
        event.put("action", e.action().id()).put("outcome", e.outcome().id()).put("id", context.uid(e))
                .put("dataset", "kalaja.audit").put("provider", "kalaja").put("severity", OcsfMapper.severity(e));
        if (!e.reason().isEmpty()) event.put("reason", e.reason());
        ObjectNode user = o.putObject("user").put("id", e.actor());
        if (!e.actorName().isEmpty()) user.put("name", e.actorName());
        if (!e.role().isEmpty()) user.putArray("roles").add(e.role());
        if (!e.address().isEmpty()) o.putObject("source").put("ip", e.address());
        if (!e.userAgent().isEmpty()) o.putObject("user_agent").put("original", e.userAgent());
        String method = ExportContext.method(e);
        if (!method.isEmpty()) o.putObject("http").putObject("request").put("method", method);
        String path = ExportContext.path(e);
        if (!path.isEmpty()) o.putObject("url").put("path", path);
        o.putObject("observer").put("name", context.node()).put("product", "Kalaja").put("vendor", "Kalaja")
                .put("version", context.productVersion());
        ObjectNode kalaja = o.putObject("kalaja");
        if (!e.collection().isEmpty()) kalaja.put("collection", e.collection());
        if (!e.key().isEmpty()) kalaja.put("key", e.key()).put("record", e.collection() + "/" + e.key());
        if (e.version() >= 0) kalaja.put("version", e.version());
        if (e.index() >= 0) kalaja.put("index", e.index());
        kalaja.put("count", e.count());
        e.extra().forEach((name, value) -> {
            if (!name.equals("http.request.method")) ExportContext.putPath(o, name, value);
        });
        if (finding) threat(o, e);
        return o;
    }

    private void threat(ObjectNode o, AuditEvent e) {
        if (o.get("rule") instanceof ObjectNode rule) {
            rule.put("ruleset", "kalaja");
        }
        List<?> ids = ExportContext.list(e, "threat.technique.id");
        if (ids.isEmpty()) return;
        ObjectNode threat = (ObjectNode) o.get("threat");
        threat.put("framework", "MITRE ATT&CK");
        String version = String.valueOf(e.extra().getOrDefault("labels.attack_version", "19.0"));
        String major = version.contains(".") ? version.substring(0, version.indexOf('.')) : version;
        ArrayNode refs = ((ObjectNode) threat.get("technique")).putArray("reference");
        for (Object id : ids) {
            refs.add("https://attack.mitre.org/versions/v" + major + "/techniques/" + id.toString().replace('.', '/') + "/");
        }
    }

    private static void strings(ArrayNode into, List<String> values) {
        values.forEach(into::add);
    }
}
