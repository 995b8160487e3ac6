package org.kalaja.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.IOException;
import io.javalin.http.Context;
import java.util.Optional;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Role;
import org.kalaja.engine.Tokens;

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
        app.get("/metrics", ctx -> ctx.contentType(ShippingView.METRICS_TYPE).result(ShippingView.metrics(node)));
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
        Tokens.Issued issued = node.tokens().create(caller(admin, ctx), role, req.get("name").asText());
        ctx.status(201);
        HttpApi.writeJson(ctx, HttpApi.JSON.createObjectNode().put("id", issued.id()).put("token", issued.token())
                .put("role", issued.role().id()).put("name", issued.name()));
    }

    private void revokeToken(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        String id = ctx.pathParam("id");
        node.tokens().revoke(caller(admin, ctx), id);
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
        HttpApi.writeJson(ctx, status);
    }

    private static org.kalaja.engine.Caller caller(Principal p, Context ctx) {
        return p.caller(ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""));
    }
}
