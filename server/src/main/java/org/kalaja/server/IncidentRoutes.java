package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Optional;
import org.kalaja.engine.Principal;
import org.kalaja.sentinel.Incident;
import org.kalaja.sentinel.investigate.StixBundle;
import org.kalaja.sentinel.investigate.Timeline;
import org.kalaja.sentinel.contain.Incidents;
import org.kalaja.sentinel.undo.UndoPlan;
import org.kalaja.sentinel.undo.UndoResult;

/**
 * {@code /api/v1/incidents…} (admin only): what the sentinel found, its timeline and STIX bundle, and
 * the undo of an incident's record changes, which works in safe mode (it writes compensating entries
 * past the write barrier) but never for an administrator the incident implicates.
 */
final class IncidentRoutes {
    private static final String INCIDENT = "/api/v1/incidents/{id}";

    private final Node node;

    IncidentRoutes(Node node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v1/incidents", this::list);
        app.get(INCIDENT, ctx -> {
            HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, SentinelView.incident(incident(ctx)));
        });
        app.post(INCIDENT + "/undo", this::undo);
        app.post(INCIDENT + "/close", this::close);
        app.get(INCIDENT + "/timeline", ctx -> {
            HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, timeline(ctx, incident(ctx)).toJson());
        });
        app.get(INCIDENT + "/stix", ctx -> {
            HttpApi.requireAdmin(node, ctx);
            Incident i = incident(ctx);
            HttpApi.writeJson(ctx, StixBundle.of(i, timeline(ctx, i), node.log().identity().origin()));
        });
    }

    private void list(Context ctx) {
        HttpApi.requireAdmin(node, ctx);
        String status = ctx.queryParam("status");
        var all = "open".equals(status) ? node.sentinel().sentinel().incidents().open() : node.sentinel().sentinel().incidents().list();
        HttpApi.writeJson(ctx, SentinelView.incidents(all));
    }

    private void undo(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        Incident incident = incident(ctx);
        JsonNode req = ApprovalRoutes.body(ctx, false);
        Incidents incidents = node.sentinel().sentinel().incidents();
        incidents.requireIndependent(admin, "undoing admin");
        Optional<Instant> since = req.hasNonNull("since") ? Optional.of(instant(req.get("since").asText())) : Optional.empty();
        UndoPlan plan = node.sentinel().undo().plan(incident, req.path("addresses").asBoolean(false), since);
        if (req.path("dry_run").asBoolean(false)) {
            HttpApi.writeJson(ctx, SentinelView.plan(plan));
            return;
        }
        UndoResult result = node.sentinel().undo().apply(admin.caller(ctx.ip(), Audited.userAgent(ctx)), plan);
        incidents.undone(admin, incident.id(), "restored " + result.restored().size() + ", deleted " + result.deleted().size()
                + ", conflicts " + result.conflicts().size());
        HttpApi.writeJson(ctx, SentinelView.result(result));
    }

    private void close(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        JsonNode req = ApprovalRoutes.body(ctx, true);
        Incident.Status status;
        try {
            status = Incident.Status.ofId(req.path("status").asText("closed"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "invalid_request", "status is closed or false_positive");
        }
        Incident closed = node.sentinel().sentinel().incidents().close(admin, ctx.pathParam("id"), status, req.path("reason").asText(""));
        HttpApi.writeJson(ctx, SentinelView.incident(closed));
    }

    private Incident incident(Context ctx) {
        String id = ctx.pathParam("id");
        return node.sentinel().sentinel().incidents().get(id).orElseThrow(() -> new ApiError(404, "not_found",
                "no incident " + id + "; GET /api/v1/incidents lists them"));
    }

    private Timeline timeline(Context ctx, Incident i) {
        String since = ctx.queryParam("since");
        return Timeline.build(node.store(), i, since == null ? null : instant(since));
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiError.badParameter("since must be an ISO-8601 UTC time, e.g. 2026-11-26T08:00:00Z; got '" + s + "'");
        }
    }
}
