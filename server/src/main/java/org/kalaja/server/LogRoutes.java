package org.kalaja.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.TransparencyLog;
import org.kalaja.ledger.BundleId;
import org.kalaja.ledger.Hash;
import org.kalaja.ledger.TileId;
import org.kalaja.ledger.TilePath;

/**
 * The log in C2SP tlog-tiles layout under {@code /log/}, its vkey, and proofs as JSON. No token is
 * needed: the log is public evidence. Everything is bounded by the latest signed checkpoint.
 */
final class LogRoutes {
    /** Tiles and bundles never change once served (C2SP tlog-tiles): let any cache keep them. */
    private static final String IMMUTABLE = "public, max-age=31536000, immutable";

    private final TransparencyLog log;

    LogRoutes(TransparencyLog log) {
        this.log = log;
    }

    void register(Javalin app) {
        app.get("/log/checkpoint", this::checkpoint);
        app.get("/log/vkey", ctx -> text(ctx, log.vkey() + "\n", "no-cache"));
        app.get("/log/tile/<path>", this::tile);
        app.get("/api/v1/proofs/inclusion", this::inclusion);
        app.get("/api/v1/proofs/consistency", this::consistency);
    }

    private void checkpoint(Context ctx) {
        String note = log.checkpoint().orElseThrow(() -> new ApiError(404, "no_checkpoint",
                "the log has no signed checkpoint yet; retry in a second"));
        text(ctx, note, "no-cache");
    }

    private void tile(Context ctx) {
        TilePath path;
        try {
            path = TilePath.parse("tile/" + ctx.pathParam("path"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(404, "no_such_tile", e.getMessage() + "; paths follow https://c2sp.org/tlog-tiles");
        }
        byte[] bytes;
        try {
            bytes = switch (path) {
                case TileId t -> log.tile(t.level(), t.index(), t.width());
                case BundleId b -> log.bundle(b.index(), b.width());
            };
        } catch (EngineException e) {
            if (e.problem() != EngineException.Problem.NOT_FOUND) throw e;
            throw new ApiError(404, "not_found", e.getMessage() + "; fetch /log/checkpoint to see the tree size");
        }
        ctx.header("Cache-Control", IMMUTABLE);
        ctx.contentType("application/octet-stream").result(bytes);
    }

    private void inclusion(Context ctx) {
        long index = RecordRoutes.longParam("index", required(ctx, "index"), 0);
        long size = RecordRoutes.longParam("size", required(ctx, "size"), 1);
        ObjectNode out = HttpApi.JSON.createObjectNode().put("index", index).put("size", size);
        List<Hash> proof = RecordRoutes.inRange(() -> log.inclusionProof(index, size));
        out.put("leaf_hash", log.leafHash(index).base64()).put("root", log.root(size).base64());
        out.set("proof", hashes(proof));
        HttpApi.writeJson(ctx, out);
    }

    private void consistency(Context ctx) {
        long old = RecordRoutes.longParam("old", required(ctx, "old"), 1);
        long size = RecordRoutes.longParam("new", required(ctx, "new"), 1);
        List<Hash> proof = RecordRoutes.inRange(() -> log.consistencyProof(old, size));
        ObjectNode out = HttpApi.JSON.createObjectNode().put("old", old).put("new", size)
                .put("old_root", log.root(old).base64()).put("new_root", log.root(size).base64());
        out.set("proof", hashes(proof));
        HttpApi.writeJson(ctx, out);
    }

    private static ArrayNode hashes(List<Hash> proof) {
        ArrayNode a = HttpApi.JSON.createArrayNode();
        for (Hash h : proof) a.add(h.base64());
        return a;
    }

    private static String required(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) throw ApiError.badParameter("query parameter '" + name + "' is required");
        return v;
    }

    private static void text(Context ctx, String body, String cacheControl) {
        ctx.header("Cache-Control", cacheControl);
        ctx.contentType("text/plain; charset=utf-8").result(body);
    }
}
