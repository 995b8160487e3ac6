package org.kalaja.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.Portal;
import org.kalaja.portal.web.PortalWeb;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Principal;
import org.kalaja.engine.Tokens;
import org.kalaja.engine.spi.RecordId;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.ApprovalException;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.sentinel.ContainedException;
import org.kalaja.sentinel.Outcome;
import org.kalaja.engine.spi.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one node (routes in docs/API.md).
 *
 * <p>Invariants every route keeps: errors are JSON {@code {"error","detail"}}; a request that fails
 * validation, authentication or authorization writes nothing; every write carries the caller's token
 * id, client address and User-Agent into its entry. The log ({@code /log/…}), {@code /api/v1/status}
 * and {@code /metrics} need no token: the log is public evidence, and the others say only how far it is
 * shipped.
 */
final class HttpApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final Javalin app;

    private HttpApi(Javalin app) {
        this.app = app;
    }

    /** Starts serving {@code node}'s API (no portal) on {@code bind}:{@code port} (0 picks a free port). */
    static HttpApi start(Node node, String bind, int port) {
        return start(node, bind, port, null);
    }

    /**
     * Starts serving {@code node} on {@code bind}:{@code port} (0 picks a free port): the API, the log
     * and, when {@code portal} is given, the portal's pages on every other path. {@code portal} is called
     * with the address served ({@code http://host:port/}) once the port is known.
     */
    static HttpApi start(Node node, String bind, int port, @Nullable Function<String, Portal> portal) {
        Portal[] mounted = {null};
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.prefer405over404 = true;
            // Bodies are read by RecordRoutes with their own limit, checked before reading.
            config.http.maxRequestSize = Long.MAX_VALUE;
            config.router.ignoreTrailingSlashes = false;
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
        });
        app.before(ctx -> {
            if (mounted[0] != null && mounted[0].owns(ctx.path())) {
                PortalWeb.securityHeaders(ctx);
            } else {
                securityHeaders(ctx);
            }
        });
        new RecordRoutes(node).register(app);
        new AdminRoutes(node).register(app);
        new LogRoutes(node.log()).register(app);
        new IncidentRoutes(node).register(app);
        new ApprovalRoutes(node).register(app);
        new SealingRoutes(node).register(app);
        io.javalin.http.ExceptionHandler<Exception> errors = (e, ctx) -> {
            if (mounted[0] != null && mounted[0].owns(ctx.path())) {
                mounted[0].error(ctx, e);
            } else {
                apiError(node, ctx, e);
            }
        };
        app.exception(Exception.class, errors);
        // Javalin answers its own HttpResponseExceptions (404, 405) unless a handler names that class.
        app.exception(HttpResponseException.class, errors::handle);
        // Every route and filter, the portal's included, is in place before the server takes a request:
        // Javalin's route lists are not safe to change while requests are matched (a request that came
        // in while the portal mounted failed with a ConcurrentModificationException, seen in CI). The
        // portal needs its public address first, so a port of 0 is chosen here rather than by Jetty.
        int chosen = port != 0 || portal == null ? port : freePort(bind);
        if (portal != null) {
            String host = bind.contains(":") ? "[" + bind + "]" : bind;
            mounted[0] = portal.apply("http://" + host + ":" + chosen + "/");
            mounted[0].register(app);
        }
        app.start(bind, chosen);
        return new HttpApi(app);
    }

    /** A port free on {@code bind} now (the kernel's choice); a process that takes it meanwhile makes the start fail, not misroute. */
    private static int freePort(String bind) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(bind))) {
            return probe.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot find a free port on " + bind + ": " + e.getMessage(), e);
        }
    }

    /** The JSON error for {@code e}, thrown while serving the API. */
    private static void apiError(Node node, Context ctx, Exception ex) {
        switch (ex) {
            case ApiError e -> {
                e.headers().forEach(ctx::header);
                error(ctx, e.status(), e.code(), e.getMessage());
            }
            case ContainedException e -> contained(ctx, e);
            case ApprovalException e -> approvalError(ctx, e);
            case EngineException e -> {
                if (safeMode(e)) {
                    safeModeError(ctx, node.sentinel().sentinel().status().safeModeIncident(), e.getMessage()
                            + "; record writes are refused, reads work. Administrators: GET /api/v1/sentinel");
                } else {
                    engineError(ctx, e);
                }
            }
            case StoreException e -> {
                if (e.retryable()) ctx.header("Retry-After", "5");
                error(ctx, e.retryable() ? 503 : 500, "store_unavailable", e.getMessage() + "; retry later");
            }
            case MethodNotAllowedResponse e -> {
                // Javalin puts the route's methods in the response's only detail (RFC 9110: a 405 MUST send Allow).
                String allow = String.join(", ", e.getDetails().values());
                ctx.header("Allow", allow);
                error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path() + "; it allows " + allow);
            }
            case HttpResponseException e when e.getStatus() == 404 ->
                    error(ctx, 404, "no_such_route", "there is no route " + ctx.method() + " " + ctx.path() + "; see docs/API.md");
            case HttpResponseException e -> error(ctx, e.getStatus(), "http_error", e.getMessage());
            default -> {
                LOG.error("request {} {} failed", ctx.method(), ctx.path(), ex);
                error(ctx, 500, "internal", "the node failed to answer; the log is unaffected. Check the node's log and retry");
            }
        }
    }

    /** The port actually listened on. */
    int port() {
        return app.port();
    }

    /**
     * Stops accepting connections and waits (up to 10 s) for requests in progress. A request still
     * running then (a write waiting for the vaults) is cut off, and its client retries with its
     * Idempotency-Key; the store closes after this either way.
     */
    @Override
    public void close() {
        try {
            app.stop();
        } catch (RuntimeException e) {
            LOG.warn("requests still in progress after 10 s were cut off while stopping: {}", e.toString());
        }
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        if (!ctx.path().startsWith("/log/")) ctx.header("Cache-Control", "no-store");
    }

    /** Whether the engine refused a write because its barrier is closed (safe mode). */
    static boolean safeMode(EngineException e) {
        return e.problem() == EngineException.Problem.REFUSED && e.getMessage() != null && e.getMessage().startsWith("safe mode");
    }

    private static void contained(Context ctx, ContainedException e) {
        if (e.kind() == ContainedException.Kind.SAFE_MODE) {
            safeModeError(ctx, e.incidentId(), e.detail());
            return;
        }
        if (!e.incidentId().isEmpty()) ctx.header("Kalaja-Incident", e.incidentId());
        if (e.until() != null) {
            ctx.header("Retry-After", Long.toString(Math.max(1, java.time.Duration.between(java.time.Instant.now(), e.until()).toSeconds())));
        }
        error(ctx, 403, Audited.code(e), e.detail());
    }

    private static void safeModeError(Context ctx, String incident, String detail) {
        ctx.header("Retry-After", "60");
        if (!incident.isEmpty()) ctx.header("Kalaja-Incident", incident);
        error(ctx, 503, "safe_mode", detail);
    }

    private static void approvalError(Context ctx, ApprovalException e) {
        switch (e.kind()) {
            case CONFLICT -> error(ctx, 409, "approval_conflict", e.getMessage());
            case NOT_INDEPENDENT -> error(ctx, 403, "approver_not_independent", e.getMessage()
                    + "; the second administrator must hold a token of their own, not implicated in an open incident");
            case EXPIRED -> error(ctx, 410, "approval_expired", e.getMessage() + "; request it again");
            case NOT_FOUND -> error(ctx, 404, "not_found", e.getMessage() + "; GET /api/v1/approvals lists them");
            case INVALID -> error(ctx, 400, "invalid_request", e.getMessage());
            case FORBIDDEN -> error(ctx, 403, "forbidden", e.getMessage());
        }
    }

    private static void engineError(Context ctx, EngineException e) {
        boolean precondition = ctx.header("If-Match") != null || ctx.header("If-None-Match") != null;
        switch (e.problem()) {
            case INVALID -> error(ctx, 400, "invalid_request", e.getMessage());
            case TOO_LARGE -> error(ctx, 413, "body_too_large", e.getMessage());
            case NOT_FOUND -> error(ctx, 404, "not_found", e.getMessage());
            case VERSION_CONFLICT -> error(ctx, precondition ? 412 : 409, "version_conflict", e.getMessage());
            case IDEMPOTENCY_KEY_REUSED -> error(ctx, 422, "idempotency_key_reused", e.getMessage()
                    + "; use a new Idempotency-Key for a different request");
            case OVERLOADED -> {
                ctx.header("Retry-After", "1");
                error(ctx, 503, "overloaded", e.getMessage());
            }
            case UNAVAILABLE -> {
                ctx.header("Retry-After", "5");
                error(ctx, 503, "unavailable", e.getMessage());
            }
            case REFUSED -> {
                ctx.header("Retry-After", "5");
                error(ctx, 503, "refused", e.getMessage());
            }
            case ERASED -> error(ctx, 410, "erased", e.getMessage() + "; the data was erased on request and cannot be read again");
        }
    }

    static void error(Context ctx, int status, String code, String detail) {
        ObjectNode body = JSON.createObjectNode().put("error", code).put("detail", detail);
        ctx.status(status);
        ctx.header("Cache-Control", "no-store");
        writeJson(ctx, body);
    }

    static void writeJson(Context ctx, Object body) {
        try {
            ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new AssertionError("a JSON tree always serializes", e);
        }
    }

    /**
     * Who sent this request, authenticated by its bearer token. A presented token that is unknown,
     * revoked or malformed is an {@code auth.failure} for the sentinel (the brute-force rule blocks the
     * address); a frozen actor or a blocked address is refused here, before any route runs.
     */
    static Principal authenticate(Node node, Context ctx) {
        String header = ctx.header("Authorization");
        Optional<Principal> principal = Optional.empty();
        String presented = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = header.substring(7).strip();
            principal = node.tokens().authenticate(presented);
        }
        if (principal.isPresent()) {
            Principal p = principal.get();
            AuditEvent signIn = Audited.event(node, Action.AUTH_SIGNIN, p, ctx, "", "", 1, Map.of());
            if (node.sentinel().signIns().opens(p.actor(), signIn.address(), signIn.userAgent(), signIn.time())) {
                node.sentinel().sentinel().complete(Audited.admit(node, signIn), Outcome.SUCCESS, "", -1, -1);
            } else {
                node.sentinel().sentinel().containment().check(signIn);
            }
            return p;
        }
        if (header != null) {
            String tokenId = presented != null && presented.length() >= 16 && presented.length() <= 512 ? Tokens.idOf(presented) : null;
            boolean revoked = tokenId != null && node.store().state(new RecordId(Tokens.COLLECTION, tokenId)).map(RecordState::deleted)
                    .orElse(false);
            if (revoked) {
                // A contained attacker retrying its token hears that it is frozen; it is not guessing tokens, so
                // the brute-force rule does not count it (which would block everyone behind the same address).
                node.sentinel().sentinel().containment().check(Audited.anonymous(node, Action.AUTH_FAILURE, ctx, Map.of())
                        .withActor("token:" + tokenId));
            }
            Map<String, Object> extra = tokenId == null ? Map.of("kalaja.token_state", "malformed")
                    : Map.of("kalaja.token_id", tokenId, "kalaja.token_state", revoked ? "revoked" : "unknown");
            Audited.refusal(node, Audited.anonymous(node, Action.AUTH_FAILURE, ctx, extra), revoked ? "revoked_token" : "unknown_token");
        }
        throw new ApiError(401, "unauthorized", header == null
                ? "send an API token as 'Authorization: Bearer <token>'; an admin creates tokens with `kalaja token create`"
                : "the token is unknown, revoked or malformed; ask an admin for a valid one",
                Map.of("WWW-Authenticate", "Bearer realm=\"kalaja\""));
    }

    static Principal requireWriter(Node node, Context ctx) {
        Principal p = authenticate(node, ctx);
        if (!p.role().mayWriteRecords()) {
            denied(node, ctx, p);
            throw new ApiError(403, "forbidden", "a " + p.role().id() + " token may only read; writing needs a clerk, service or admin token");
        }
        return p;
    }

    static Principal requireAdmin(Node node, Context ctx) {
        Principal p = authenticate(node, ctx);
        if (!p.role().mayAdminister()) {
            denied(node, ctx, p);
            throw new ApiError(403, "forbidden", "only an admin token may do this; this one is a " + p.role().id() + " token");
        }
        return p;
    }

    private static void denied(Node node, Context ctx, Principal p) {
        AuditEvent e = Audited.event(node, Action.AUTHZ_DENIED, p, ctx, "", "", 1, Map.of("url.path", ctx.path()));
        Audited.refusal(node, e, "forbidden");
    }

    /** Requires {@code Content-Type: application/json} (any charset parameter must be UTF-8). */
    static void requireJson(Context ctx) {
        String type = ctx.header("Content-Type");
        String normalized = type == null ? "" : type.toLowerCase(Locale.ROOT).replace(" ", "");
        if (!(normalized.equals("application/json") || normalized.startsWith("application/json;charset=utf-8"))) {
            throw new ApiError(415, "unsupported_media_type", "send the body as JSON with 'Content-Type: application/json'"
                    + (type == null ? "" : "; got '" + type + "'"));
        }
    }
}
