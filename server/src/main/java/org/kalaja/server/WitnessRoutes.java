package org.kalaja.server;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.kalaja.engine.witness.Witness;
import org.kalaja.engine.witness.WitnessAnswer;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.Note;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of a witness, c2sp.org/tlog-witness (routes in docs/API.md, "Witness"):
 * {@code POST /add-checkpoint}, {@code GET /vkey} and the monitoring view
 * {@code GET /<hex SHA-256 of origin>/checkpoint}.
 *
 * <p>Invariants: every answer's status, content type and body are the {@link Witness}'s, which the
 * spec prescribes; errors are plain text, not the node API's JSON, because witness clients parse
 * none; no request needs a token (the log's signature is the only authentication the spec has).
 */
final class WitnessRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WitnessRoutes.class);
    /** A note at its limit, plus 63 proof lines and the old size line. */
    static final long MAX_BODY = Note.MAX_SIZE + 8 * 1024;
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Javalin app;

    private WitnessRoutes(Javalin app) {
        this.app = app;
    }

    /** Starts serving {@code witness} on {@code bind}:{@code port} (0 picks a free port). */
    static WitnessRoutes start(Witness witness, String bind, int port) {
        Map<String, String> origins = new HashMap<>();
        for (String origin : witness.origins()) {
            origins.put(Hash.sha256(origin.getBytes(StandardCharsets.UTF_8)).hex(), origin);
        }
        String vkey = witness.verifierKey().format() + "\n";
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.prefer405over404 = true;
            config.http.maxRequestSize = MAX_BODY;
            config.router.ignoreTrailingSlashes = false;
            config.jetty.modifyServer(server -> server.setStopTimeout(10_000));
        });
        app.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Cache-Control", "no-store");
        });
        app.post("/add-checkpoint", ctx -> addCheckpoint(witness, ctx));
        app.get("/vkey", ctx -> text(ctx, 200, vkey));
        app.get("/{origin}/checkpoint", ctx -> {
            String origin = origins.get(ctx.pathParam("origin"));
            Note latest = origin == null ? null : witness.latest(origin).orElse(null);
            if (latest == null) {
                text(ctx, 404, "this witness has cosigned no checkpoint of a log whose origin hashes to "
                        + ctx.pathParam("origin") + "\n");
                return;
            }
            ctx.header("Cache-Control", "no-cache");
            text(ctx, 200, latest.format());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            if (e instanceof MethodNotAllowedResponse) {
                String allow = String.join(", ", e.getDetails().values());
                ctx.header("Allow", allow);
                text(ctx, 405, ctx.method() + " is not allowed on " + ctx.path() + "; it allows " + allow + "\n");
            } else if (e.getStatus() == 404) {
                text(ctx, 404, "there is no route " + ctx.method() + " " + ctx.path()
                        + "; a witness answers POST /add-checkpoint and GET /vkey\n");
            } else {
                text(ctx, e.getStatus(), e.getMessage() + "\n");
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("witness request {} {} failed", ctx.method(), ctx.path(), e);
            text(ctx, 500, "the witness failed to answer; nothing was cosigned\n");
        });
        app.start(bind, port);
        return new WitnessRoutes(app);
    }

    private static void addCheckpoint(Witness witness, Context ctx) throws IOException {
        // Read with a limit: a chunked body declares no length for Javalin's own limit to check.
        byte[] body = ctx.req().getInputStream().readNBytes((int) MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            text(ctx, 413, "an add-checkpoint body is at most " + MAX_BODY + " bytes\n");
            return;
        }
        WitnessAnswer a = witness.addCheckpoint(body);
        if (a.status() == 503) {
            ctx.header("Retry-After", "5");
        }
        ctx.status(a.status()).contentType(a.contentType()).result(a.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void text(Context ctx, int status, String body) {
        ctx.status(status).contentType(TEXT).result(body.getBytes(StandardCharsets.UTF_8));
    }

    /** The port actually listened on. */
    int port() {
        return app.port();
    }

    /** Stops accepting requests and waits (up to 10 s) for those in progress. */
    @Override
    public void close() {
        app.stop();
    }
}
