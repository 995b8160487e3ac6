package org.kalaja.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.IOException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Admission;
import org.kalaja.sentinel.AuditEvent;

/** Token management ({@code /api/v1/tokens}, admin only) and the public status. */
final class AdminRoutes {
    private static final int MAX_TOKEN_REQUEST = 4096;

    private final Node node;

    AdminRoutes(Node node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.post("/api/v1/tokens", this::createToken);
        app.delete("/api/v1/tokens/{id}", this::revokeToken);
        app.get("/api/v1/status", this::status);
        app.get("/metrics", ctx -> ctx.contentType(ShippingView.METRICS_TYPE).result(ShippingView.metrics(node)
                + SentinelView.metrics(node)));
    }

    private void createToken(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        HttpApi.requireJson(ctx);
        if (ctx.req().getContentLengthLong() > MAX_TOKEN_REQUEST) {
            throw new ApiError(413, "body_too_large", "a token request is {\"role\": …, \"name\": …}, at most " + MAX_TOKEN_REQUEST + " bytes");
        }
        JsonNode req;
        try {
            req = HttpApi.JSON.readTree(ctx.bodyAsBytes());
        } catch (JsonProcessingException e) {
            throw new ApiError(400, "malformed_json", "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiError(400, "unreadable_body", "the request body could not be read: " + e.getMessage());
        }
        if (req == null || !req.isObject() || !req.path("role").isTextual() || !req.path("name").isTextual()) {
            throw new ApiError(400, "invalid_request", "send {\"role\": \"admin|clerk|reader|service\", \"name\": \"what the token is for\"}");
        }
        Role role = Role.parse(req.get("role").asText());
        // Admitted as a write: refused in safe mode and for a frozen admin; rules see who mints credentials.
        AuditEvent event = Audited.event(node, Action.TOKEN_CREATE, admin, ctx, Tokens.COLLECTION, "", 1,
                Map.of("kalaja.token.role", role.id()));
        Admission a = Audited.admit(node, event);
        Tokens.Issued issued;
        try {
            issued = node.tokens().create(caller(admin, ctx), role, req.get("name").asText());
        } catch (RuntimeException e) {
            Audited.failed(node, a, e);
            throw e;
        }
        // The new token's id is known only now; the first-seen rule revokes it by this key.
        AuditEvent e = a.event();
        Audited.done(node, new Admission(new AuditEvent(e.time(), e.action(), e.outcome(), e.actor(), e.actorName(), e.role(),
                e.address(), e.userAgent(), e.collection(), issued.id(), e.version(), e.index(), e.count(), e.reason(),
                e.extra())), -1, -1);
        ctx.status(201);
        HttpApi.writeJson(ctx, HttpApi.JSON.createObjectNode().put("id", issued.id()).put("token", issued.token())
                .put("role", issued.role().id()).put("name", issued.name()));
    }

    private void revokeToken(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        String id = ctx.pathParam("id");
        Audited.run(node, Audited.event(node, Action.TOKEN_REVOKE, admin, ctx, Tokens.COLLECTION, id, 1,
                Map.of("kalaja.target", "token:" + id)), () -> {
                    node.tokens().revoke(caller(admin, ctx), id);
                    return id;
                }, x -> -1, x -> -1);
        HttpApi.writeJson(ctx, HttpApi.JSON.createObjectNode().put("id", id).put("revoked", true));
    }

    private void status(Context ctx) {
        com.fasterxml.jackson.databind.node.ObjectNode status = HttpApi.JSON.createObjectNode()
                .put("version", Version.current())
                .put("origin", node.log().identity().origin())
                .put("log_size", node.engine().size())
                .put("checkpoint_size", node.log().checkpointSize())
                .put("backlog", node.engine().backlog())
                .put("store", node.store().describe());
        ShippingView.addTo(status, node);
        SentinelView.addTo(status, node);
        HttpApi.writeJson(ctx, status);
    }

    private static org.kalaja.engine.Caller caller(Principal p, Context ctx) {
        return p.caller(ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""));
    }
}
