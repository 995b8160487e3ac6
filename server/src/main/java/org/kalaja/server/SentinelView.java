package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.sentinel.Approval;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.SentinelStatus;
import org.kalaja.sentinel.export.AuditExporter;
import org.kalaja.sentinel.state.StateAudit;
import org.kalaja.sentinel.undo.UndoPlan;
import org.kalaja.sentinel.undo.UndoResult;

/**
 * The sentinel as the API shows it: JSON for incidents, approvals, the sentinel's status, state audit
 * reports and undo results (snake_case names, ISO-8601 times), and its gauges on {@code /metrics}.
 */
final class SentinelView {
    private SentinelView() {
    }

    /** The public status page says only whether writes are refused, and since when. */
    static void addTo(ObjectNode status, Node node) {
        SentinelStatus s = node.sentinel().sentinel().status();
        status.put("safe_mode", s.safeMode());
        if (s.safeMode()) status.put("safe_mode_since", String.valueOf(s.safeModeSince()));
    }

    static ObjectNode status(Node node) {
        SentinelStatus s = node.sentinel().sentinel().status();
        ObjectNode o = HttpApi.JSON.createObjectNode().put("safe_mode", s.safeMode())
                .put("safe_mode_since", s.safeModeSince() == null ? null : s.safeModeSince().toString())
                .put("safe_mode_incident", s.safeModeIncident()).put("frozen_actors", s.frozenActors())
                .put("blocked_addresses", s.blockedAddresses()).put("open_incidents", s.openIncidents())
                .put("pending_approvals", s.pendingApprovals()).put("maintenance_windows", s.maintenanceWindows())
                .put("rules", s.rules()).put("pending_writes", s.pendingWrites())
                .put("audit_backlog", node.sentinel().batcher().backlog()).put("audit_lost", node.sentinel().batcher().lost());
        ObjectNode frozen = o.putObject("frozen");
        node.sentinel().sentinel().containment().frozen().forEach((actor, f) -> frozen.putObject(actor)
                .put("incident", f.incident()).put("since", f.since().toString()).put("reason", f.reason()));
        ArrayNode sinks = o.putArray("audit_sinks");
        for (AuditExporter.SinkStatus k : node.sentinel().sinks()) {
            sinks.addObject().put("sink", k.sink()).put("cursor", k.cursor()).put("lag_entries", k.lagEntries())
                    .put("behind_seconds", k.behind().toSeconds()).put("failures", k.failures()).put("last_error", k.lastError())
                    .put("alarm", k.alarm());
        }
        node.sentinel().stateAudit().last().ifPresent(r -> o.set("last_state_audit", report(r)));
        return o;
    }

    static JsonNode incident(Incident i) {
        try {
            return HttpApi.JSON.readTree(i.toJson());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode incidents(List<Incident> all) {
        ObjectNode o = HttpApi.JSON.createObjectNode();
        ArrayNode list = o.putArray("incidents");
        all.forEach(i -> list.add(incident(i)));
        return o;
    }

    static ObjectNode approval(Approval a) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("id", a.id()).put("action", a.action());
        o.set("params", HttpApi.JSON.valueToTree(a.params()));
        o.put("reason", a.reason()).put("requested_by", a.requestedBy()).put("requested", a.requested().toString())
                .put("expires", a.expires().toString()).put("status", a.status().id())
                .put("approved_by", a.approvedBy()).put("approved", a.approved() == null ? null : a.approved().toString())
                .put("result", a.result());
        return o;
    }

    static ObjectNode approvals(List<Approval> all) {
        ObjectNode o = HttpApi.JSON.createObjectNode();
        ArrayNode list = o.putArray("approvals");
        all.forEach(a -> list.add(approval(a)));
        return o;
    }

    static ObjectNode report(StateAudit.Report r) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("clean", r.clean()).put("trigger", r.trigger()).put("size", r.size())
                .put("rows", r.rows()).put("time", r.time().toString()).put("took_ms", r.took().toMillis())
                .put("expected_digest", r.expectedDigest()).put("observed_digest", r.observedDigest())
                .put("mismatches", r.mismatches());
        rows(o.putArray("wrong"), r.wrong());
        rows(o.putArray("missing"), r.missing());
        rows(o.putArray("extra"), r.extra());
        o.put("incident", r.incident().map(Incident::id).orElse(null));
        if (r.repairIndex().isPresent()) {
            o.put("repair_index", r.repairIndex().getAsLong());
        } else {
            o.putNull("repair_index");
        }
        return o;
    }

    private static void rows(ArrayNode into, List<StateAudit.Report.Row> rows) {
        for (StateAudit.Report.Row row : rows) {
            ObjectNode r = into.addObject().put("record", record(row.id()));
            r.put("store_version", row.store() == null ? null : row.store().version());
            r.put("log_version", row.log() == null ? null : row.log().version());
        }
    }

    static ObjectNode plan(UndoPlan p) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("incident", p.incidentId()).put("dry_run", true)
                .put("from_index", p.fromIndex()).put("size", p.size());
        ArrayNode restored = o.putArray("restored");
        ArrayNode deleted = o.putArray("deleted");
        for (UndoPlan.Change c : p.changes()) {
            ObjectNode x = (c.kind() == UndoPlan.Kind.RESTORE ? restored : deleted).addObject().put("record", record(c.record()))
                    .put("from_version", c.currentVersion()).put("to_version", c.goodVersion());
            x.set("bad_versions", HttpApi.JSON.valueToTree(c.badVersions()));
        }
        conflicts(o.putArray("conflicts"), p.conflicts());
        o.put("unchanged", p.unchanged());
        return o;
    }

    static ObjectNode result(UndoResult r) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("incident", r.incidentId()).put("dry_run", false);
        done(o.putArray("restored"), r.restored());
        done(o.putArray("deleted"), r.deleted());
        conflicts(o.putArray("conflicts"), r.conflicts());
        o.put("unchanged", r.unchanged()).put("index", r.index());
        return o;
    }

    private static void done(ArrayNode into, List<UndoResult.Done> done) {
        for (UndoResult.Done d : done) {
            into.addObject().put("record", record(d.record())).put("from_version", d.fromVersion()).put("to_version", d.toVersion())
                    .put("version", d.version()).put("index", d.index());
        }
    }

    private static void conflicts(ArrayNode into, List<UndoPlan.Conflict> conflicts) {
        for (UndoPlan.Conflict c : conflicts) {
            ObjectNode x = into.addObject().put("record", record(c.record())).put("later_version", c.laterVersion())
                    .put("later_actor", c.laterActor());
            x.set("bad_versions", HttpApi.JSON.valueToTree(c.badVersions()));
        }
    }

    private static String record(RecordId id) {
        return id.collection() + "/" + id.key();
    }

    /** The sentinel's gauges, in the Prometheus text format of {@link ShippingView#metrics}. */
    static String metrics(Node node) {
        SentinelStatus s = node.sentinel().sentinel().status();
        StringBuilder out = new StringBuilder();
        ShippingView.gauge(out, "kalaja_sentinel_safe_mode", "1 while record writes are refused (safe mode), else 0.", s.safeMode() ? 1 : 0);
        ShippingView.gauge(out, "kalaja_sentinel_frozen_actors", "Actors whose every request is refused.", s.frozenActors());
        ShippingView.gauge(out, "kalaja_sentinel_blocked_addresses", "Addresses refused until their block ends.", s.blockedAddresses());
        ShippingView.gauge(out, "kalaja_sentinel_open_incidents", "Incidents not closed.", s.openIncidents());
        ShippingView.gauge(out, "kalaja_sentinel_pending_approvals", "Two-person requests waiting for a second admin.", s.pendingApprovals());
        ShippingView.gauge(out, "kalaja_audit_backlog_events", "Audit events waiting for the next ACCESS entry.", node.sentinel().batcher().backlog());
        List<AuditExporter.SinkStatus> sinks = node.sentinel().sinks();
        if (!sinks.isEmpty()) {
            ShippingView.header(out, "kalaja_audit_sink_lag_entries", "gauge", "Committed entries an audit sink has not received yet.");
            for (AuditExporter.SinkStatus k : sinks) ShippingView.sample(out, "kalaja_audit_sink_lag_entries", "sink", k.sink(), k.lagEntries());
        }
        return out.toString();
    }
}
