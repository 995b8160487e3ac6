package org.kalaja.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.HistoryItem;
import org.kalaja.engine.Names;
import org.kalaja.engine.Principal;
import org.kalaja.engine.RecordVersion;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.spi.RecordState;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Admission;
import org.kalaja.sentinel.audit.ChangeScore;

/** {@code /api/v1/records/…}: put, get (current, as-of), delete, history, list. */
final class RecordRoutes {
    private static final String RECORD = "/api/v1/records/{collection}/{key}";
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final Node node;
    private final RecordsEngine engine;

    RecordRoutes(Node node) {
        this.node = node;
        this.engine = node.engine();
    }

    void register(Javalin app) {
        app.put(RECORD, this::put);
        app.get(RECORD, this::get);
        app.delete(RECORD, this::delete);
        app.get(RECORD + "/history", this::history);
        app.get("/api/v1/records/{collection}", this::list);
    }

    private void put(Context ctx) {
        Principal p = HttpApi.requireWriter(node, ctx);
        HttpApi.requireJson(ctx);
        String collection = collection(ctx);
        String key = key(ctx);
        long expected = expectedVersion(ctx);
        String idempotencyKey = idempotencyKey(ctx);
        byte[] body = readBody(ctx, engine.config().maxBodyBytes());
        // Scored on the change from the current version (opacity, and fields lost by emptying), not on entropy
        // alone; read only for bodies that may be opaque or thin, so that ordinary edits do not pay for it.
        byte[] previous = ChangeScore.worthScoring(body) ? engine.get(collection, key).map(RecordVersion::json).orElse(null) : null;
        ChangeScore.Result score = previous == null ? ChangeScore.Result.NONE : ChangeScore.score(previous, body);
        Admission a = Audited.admit(node, Audited.event(node, Action.RECORD_PUT, p, ctx, collection, key, 1, score.fields()));
        WriteResult r;
        try {
            r = await(engine.put(caller(p, ctx), collection, key, body, expected, idempotencyKey));
        } catch (EngineException e) {
            // Names, preconditions and the key were checked above: what is left invalid is the body.
            RuntimeException x = e.problem() == EngineException.Problem.INVALID ? new ApiError(400, "malformed_json", e.getMessage()) : e;
            Audited.failed(node, a, x);
            throw x;
        } catch (RuntimeException e) {
            Audited.failed(node, a, e);
            throw e;
        }
        Audited.done(node, a, r.index(), r.version());
        VaultDurability.await(node, r);
        ctx.status(r.created() ? 201 : 200);
        writeResult(ctx, r);
    }

    private void delete(Context ctx) {
        Principal p = HttpApi.requireWriter(node, ctx);
        String collection = collection(ctx);
        String key = key(ctx);
        long expected = expectedVersion(ctx);
        String idempotencyKey = idempotencyKey(ctx);
        WriteResult r = Audited.run(node, Audited.event(node, Action.RECORD_DELETE, p, ctx, collection, key, 1, Map.of()),
                () -> await(engine.delete(caller(p, ctx), collection, key, expected, idempotencyKey)), WriteResult::index,
                WriteResult::version);
        VaultDurability.await(node, r);
        writeResult(ctx, r);
    }

    private void get(Context ctx) {
        Principal p = HttpApi.authenticate(node, ctx);
        String collection = collection(ctx);
        String key = key(ctx);
        String at = ctx.queryParam("at");
        String asOf = ctx.queryParam("asOf");
        if (at != null && asOf != null) throw ApiError.badParameter("give either ?at=<log index> or ?asOf=<time>, not both");
        long atIndex = at == null ? -1 : longParam("at", at, 0);
        Instant asOfTime = asOf == null ? null : instant(asOf);
        java.util.function.Supplier<RecordVersion> read = () -> {
            Optional<RecordVersion> found;
            if (at != null) {
                found = inRange(() -> engine.getAt(collection, key, atIndex));
            } else if (asOfTime != null) {
                found = engine.getAsOf(collection, key, asOfTime);
            } else {
                found = engine.get(collection, key);
            }
            return found.orElseThrow(() -> notFound(collection, key, at != null || asOf != null));
        };
        RecordVersion v = audited(p, ctx, Action.RECORD_GET, collection, key, read, RecordVersion::index, RecordVersion::version);
        ctx.header("ETag", etag(v.version()));
        ctx.header("Kalaja-Version", Long.toString(v.version()));
        ctx.header("Kalaja-Index", Long.toString(v.index()));
        ctx.contentType("application/json").result(v.json());
    }

    private void history(Context ctx) {
        Principal p = HttpApi.authenticate(node, ctx);
        String collection = collection(ctx);
        String key = key(ctx);
        long before = ctx.queryParam("before") == null ? Long.MAX_VALUE : longParam("before", ctx.queryParam("before"), 1);
        int limit = limit(ctx);
        List<HistoryItem> items = audited(p, ctx, Action.RECORD_HISTORY, collection, key, () -> {
            if (!engine.everExisted(collection, key)) throw neverWritten(collection, key);
            return engine.history(collection, key, before, limit);
        }, h -> -1, h -> h.isEmpty() ? -1 : h.get(0).version());
        ArrayNode versions = HttpApi.JSON.createArrayNode();
        for (HistoryItem h : items) {
            versions.addObject().put("version", h.version()).put("index", h.index()).put("time", h.time().toString())
                    .put("actor", h.actor()).put("deleted", h.deleted());
        }
        ObjectNode out = HttpApi.JSON.createObjectNode().put("collection", collection).put("key", key);
        out.set("versions", versions);
        HistoryItem last = items.isEmpty() ? null : items.get(items.size() - 1);
        if (last != null && items.size() == limit && last.version() > 1) {
            out.put("next", last.version());
        } else {
            out.putNull("next");
        }
        HttpApi.writeJson(ctx, out);
    }

    private void list(Context ctx) {
        Principal p = HttpApi.authenticate(node, ctx);
        String collection = collection(ctx);
        String after = ctx.queryParam("after") == null ? "" : named(() -> Names.key(ctx.queryParam("after")));
        int limit = limit(ctx);
        // Counted as the page asked for: an enumeration is judged by what it tried to take.
        List<RecordState> page = Audited.run(node, Audited.event(node, Action.RECORD_LIST, p, ctx, collection, "", limit, Map.of()),
                () -> engine.list(collection, after, limit), l -> -1, l -> -1);
        ArrayNode records = HttpApi.JSON.createArrayNode();
        for (RecordState s : page) records.addObject().put("key", s.id().key()).put("version", s.version()).put("index", s.index());
        ObjectNode out = HttpApi.JSON.createObjectNode();
        out.set("records", records);
        if (page.size() == limit) {
            out.put("next", page.get(page.size() - 1).id().key());
        } else {
            out.putNull("next");
        }
        HttpApi.writeJson(ctx, out);
    }

    /**
     * Reads of sealed and personal-data collections are audited; other reads only authenticate. A sealed
     * read carries {@code kalaja.sealed: true}: not {@code kalaja.record.sealed}, since {@code kalaja.record}
     * is the record's name (a string) in ECS exports, where a field under it would be dropped.
     */
    private <T> T audited(Principal p, Context ctx, Action action, String collection, String key, java.util.function.Supplier<T> read,
            java.util.function.ToLongFunction<T> index, java.util.function.ToLongFunction<T> version) {
        boolean sealed = engine.policy(collection).sealed();
        if (!sealed && !node.sentinel().personal(collection)) return read.get();
        return Audited.run(node, Audited.event(node, action, p, ctx, collection, key, 1,
                sealed ? Map.of("kalaja.sealed", true) : Map.of()), read, index, version);
    }

    private static void writeResult(Context ctx, WriteResult r) {
        ctx.header("ETag", etag(r.version()));
        HttpApi.writeJson(ctx, HttpApi.JSON.createObjectNode()
                .put("collection", r.id().collection()).put("key", r.id().key())
                .put("version", r.version()).put("index", r.index()).put("replayed", r.replayed()));
    }

    private static org.kalaja.engine.Caller caller(Principal p, Context ctx) {
        return p.caller(ctx.ip(), Optional.ofNullable(ctx.userAgent()).orElse(""));
    }

    private static String collection(Context ctx) {
        return named(() -> Names.collection(ctx.pathParam("collection")));
    }

    private static String key(Context ctx) {
        return named(() -> Names.key(ctx.pathParam("key")));
    }

    private static String named(java.util.function.Supplier<String> check) {
        try {
            return check.get();
        } catch (EngineException e) {
            throw new ApiError(400, "invalid_name", e.getMessage());
        }
    }

    private static String idempotencyKey(Context ctx) {
        String key = ctx.header("Idempotency-Key");
        if (key == null) return "";
        try {
            return Names.idempotencyKey(key);
        } catch (EngineException e) {
            throw new ApiError(400, "invalid_idempotency_key", e.getMessage());
        }
    }

    /** -1 for none, 0 for {@code If-None-Match: *}, else the version named by {@code If-Match}. */
    private static long expectedVersion(Context ctx) {
        String ifMatch = ctx.header("If-Match");
        String ifNoneMatch = ctx.header("If-None-Match");
        if (ifMatch != null && ifNoneMatch != null) {
            throw new ApiError(400, "invalid_precondition", "send either If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.strip().equals("*")) {
                throw new ApiError(400, "invalid_precondition", "If-None-Match on a write must be '*' (create only if absent)");
            }
            return 0;
        }
        if (ifMatch == null) return -1;
        String v = ifMatch.strip();
        if (v.startsWith("W/")) v = v.substring(2);
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
        try {
            long version = Long.parseLong(v);
            if (version >= 1) return version;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new ApiError(400, "invalid_precondition", "If-Match must be one record version as the ETag gave it, e.g. \"3\"; got '"
                + ifMatch + "'");
    }

    /** Reads at most {@code limit} bytes, refusing a larger declared length before reading any. */
    private static byte[] readBody(Context ctx, int limit) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) throw tooLarge(declared, limit);
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(limit + 1);
            if (body.length > limit) throw tooLarge(-1, limit);
            return body;
        } catch (IOException e) {
            throw new ApiError(400, "unreadable_body", "the request body could not be read: " + e.getMessage());
        }
    }

    private static ApiError tooLarge(long declared, int limit) {
        return new ApiError(413, "body_too_large", "the body is " + (declared >= 0 ? declared + " bytes" : "larger than the limit")
                + "; records are at most " + limit + " bytes of JSON. Store large documents as separate records");
    }

    private static ApiError neverWritten(String collection, String key) {
        return new ApiError(404, "not_found", "record " + collection + "/" + key + " was never written, so it has no history");
    }

    private static ApiError notFound(String collection, String key, boolean asOf) {
        return new ApiError(404, "not_found", asOf
                ? "record " + collection + "/" + key + " did not exist at that point; see its history for when it did"
                : "no record " + collection + "/" + key + "; it was never written, or it was deleted (its history stays: GET …/history)");
    }

    private int limit(Context ctx) {
        String s = ctx.queryParam("limit");
        if (s == null) return DEFAULT_PAGE;
        long limit = longParam("limit", s, 1);
        if (limit > MAX_PAGE) throw ApiError.badParameter("limit must be between 1 and " + MAX_PAGE + ", got " + s);
        return (int) limit;
    }

    static long longParam(String name, String value, long min) {
        try {
            long v = Long.parseLong(value);
            if (v >= min) return v;
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw ApiError.badParameter(name + " must be a whole number of at least " + min + ", got '" + value + "'");
    }

    /**
     * Runs an engine call whose parameters parsed but may be out of range (a log index beyond the
     * log, a proof size beyond the checkpoint): the engine's INVALID becomes 400 invalid_parameter,
     * the one code for a query parameter the client must change.
     */
    static <T> T inRange(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (EngineException e) {
            if (e.problem() == EngineException.Problem.INVALID) throw ApiError.badParameter(e.getMessage());
            throw e;
        }
    }

    private static Instant instant(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                throw ApiError.badParameter("asOf must be an ISO-8601 time with a zone, e.g. 2025-11-26T16:00:00Z; got '" + s + "'");
            }
        }
    }

    private static String etag(long version) {
        return "\"" + version + "\"";
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }
}
