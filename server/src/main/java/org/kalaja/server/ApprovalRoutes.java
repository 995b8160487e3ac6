package org.kalaja.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.Map;
import org.kalaja.engine.Principal;
import org.kalaja.sentinel.Approval;
import org.kalaja.sentinel.state.StateAudit;

/**
 * Two-person approvals ({@code /api/v1/approvals}), the sentinel's status ({@code /api/v1/sentinel})
 * and the state audit on demand ({@code /api/v1/state-audit}); admin only. They all work in safe mode:
 * leaving it is one of them.
 */
final class ApprovalRoutes {
    private static final int MAX_REQUEST = 16 * 1024;

    private final Node node;

    ApprovalRoutes(Node node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.post("/api/v1/approvals", this::request);
        app.get("/api/v1/approvals", ctx -> {
            HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, SentinelView.approvals(node.sentinel().sentinel().approvals().list()));
        });
        app.get("/api/v1/approvals/{id}", ctx -> {
            HttpApi.requireAdmin(node, ctx);
            String id = ctx.pathParam("id");
            HttpApi.writeJson(ctx, SentinelView.approval(node.sentinel().sentinel().approvals().get(id).orElseThrow(
                    () -> new ApiError(404, "not_found", "no approval " + id + "; GET /api/v1/approvals lists them"))));
        });
        app.post("/api/v1/approvals/{id}/approve", ctx -> {
            Principal admin = HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, SentinelView.approval(node.sentinel().sentinel().approvals().approve(admin, ctx.pathParam("id"))));
        });
        app.delete("/api/v1/approvals/{id}", ctx -> {
            Principal admin = HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, SentinelView.approval(node.sentinel().sentinel().approvals().cancel(admin, ctx.pathParam("id"))));
        });
        app.get("/api/v1/sentinel", ctx -> {
            HttpApi.requireAdmin(node, ctx);
            HttpApi.writeJson(ctx, SentinelView.status(node));
        });
        app.post("/api/v1/state-audit", this::stateAudit);
    }

    private void request(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        JsonNode req = body(ctx, true);
        if (!req.path("action").isTextual() || !(req.path("params").isMissingNode() || req.path("params").isObject())) {
            throw new ApiError(400, "invalid_request", "send {\"action\": \"safe_mode.exit|actor.unfreeze|address.unblock|rule.raise|"
                    + "maintenance.window\", \"params\": {…}, \"reason\": \"why\"}");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> params = req.has("params") ? HttpApi.JSON.convertValue(req.get("params"), Map.class) : Map.of();
        Approval a = node.sentinel().sentinel().approvals().request(admin, req.get("action").asText(), params,
                req.path("reason").asText(""));
        ctx.status(201);
        HttpApi.writeJson(ctx, SentinelView.approval(a));
    }

    private void stateAudit(Context ctx) {
        HttpApi.requireAdmin(node, ctx);
        StateAudit.Report r;
        try {
            r = node.sentinel().stateAudit().runNow();
        } catch (IllegalStateException e) {
            throw new ApiError(500, "state_audit_failed", e.getMessage());
        }
        HttpApi.writeJson(ctx, SentinelView.report(r));
    }

    /** The request's JSON object; an empty body is {@code {}} unless {@code required}. */
    static JsonNode body(Context ctx, boolean required) {
        if (ctx.req().getContentLengthLong() > MAX_REQUEST) {
            throw new ApiError(413, "body_too_large", "this request's body is at most " + MAX_REQUEST + " bytes");
        }
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0 && !required) return HttpApi.JSON.createObjectNode();
        HttpApi.requireJson(ctx);
        JsonNode req;
        try {
            req = HttpApi.JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "unreadable_body", "the request body could not be read: " + e.getMessage());
        }
        if (req == null || !req.isObject()) throw new ApiError(400, "invalid_request", "send a JSON object");
        return req;
    }
}
