package org.kalaja.sentinel.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.state.StateAudit.Report;
import org.kalaja.sentinel.state.StateAudit.Report.Row;

/**
 * The incident a mismatch raises and the evidence its repair entry holds.
 *
 * <p>Evidence body ({@code type: state_audit}): {@code {"v":1,"type":"state_audit","incident":<incident
 * record>,"size","rows","digests":{"expected","observed"},"counts":{"wrong","missing","extra"},
 * "wrong":[{"collection","key","store":{version,index,deleted},"log":{…}}],"missing":[…],"extra":[…]}}.
 * At most {@value #LISTED} rows of each kind are listed, so the entry stays small however much was
 * tampered with; the counts and digests cover all of them.
 */
final class Evidence {
    static final String RULE = "state_tampering";
    static final Incident.Rule INCIDENT_RULE = new Incident.Rule(RULE, RULE,
            "State rows in the store disagree with the log (stored data manipulation)", "critical");
    static final Incident.Technique TECHNIQUE = new Incident.Technique("T1565.001", "Stored Data Manipulation", "impact");
    static final String ATTACK_VERSION = "19.0";
    static final int LISTED = 100;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private Evidence() {
    }

    /**
     * The incident: nobody known is implicated (the writer bypassed the engine), so it has no actors;
     * it started after the last clean audit, whose time and log size are given.
     */
    static Incident incident(Instant lastClean, long lastCleanSize, Instant detected) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        String id = "inc-" + DAY.format(detected) + "-" + HexFormat.of().formatHex(random);
        return new Incident(id, INCIDENT_RULE, List.of(TECHNIQUE), ATTACK_VERSION, List.of(), List.of(), List.of(), lastClean,
                lastCleanSize, detected, Incident.Status.OPEN, List.of("audit", "repair"));
    }

    static byte[] json(Report report, Incident incident) {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1).put("type", "state_audit").put("id", incident.id());
        try {
            o.set("incident", JSON.readTree(incident.toJson()));
            o.put("size", report.size()).put("rows", report.rows()).put("trigger", report.trigger());
            o.putObject("digests").put("expected", report.expectedDigest()).put("observed", report.observedDigest());
            o.putObject("counts").put("wrong", report.wrong().size()).put("missing", report.missing().size())
                    .put("extra", report.extra().size());
            rows(o.putArray("wrong"), report.wrong());
            rows(o.putArray("missing"), report.missing());
            rows(o.putArray("extra"), report.extra());
            return JSON.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void rows(ArrayNode into, List<Row> rows) {
        for (Row row : rows.subList(0, Math.min(LISTED, rows.size()))) {
            ObjectNode r = into.addObject().put("collection", row.id().collection()).put("key", row.id().key());
            state(r, "store", row.store());
            state(r, "log", row.log());
        }
    }

    private static void state(ObjectNode into, String name, @Nullable RecordState s) {
        if (s == null) {
            into.putNull(name);
        } else {
            into.putObject(name).put("version", s.version()).put("index", s.index()).put("deleted", s.deleted());
        }
    }
}
