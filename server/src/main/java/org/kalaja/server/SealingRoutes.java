package org.kalaja.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.kalaja.engine.Caller;
import org.kalaja.engine.CollectionPolicy;
import org.kalaja.engine.EngineException;
import org.kalaja.engine.Names;
import org.kalaja.engine.Principal;
import org.kalaja.engine.RecordsEngine;
import org.kalaja.engine.WriteResult;
import org.kalaja.engine.seal.KeyCensus;
import org.kalaja.engine.seal.Keyring;
import org.kalaja.engine.shipping.Shipper;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.Approval;

/**
 * Sealed collections and their keys: {@code /api/v1/collections/{name}} (declarations),
 * {@code /api/v1/keys} (the KMS and the key census), {@code /api/v1/keys/rotate} and
 * {@code /api/v1/erasures} (crypto-shredding one data subject, a two-person approval). Changes are
 * admin only and audited, so the sentinel sees who rotated keys or erased whom.
 */
final class SealingRoutes {
    /** How long a rotation waits for the vaults to hold the rewrapped keys before it destroys old KEKs. */
    private static final long VAULT_WAIT_SECONDS = 120;
    private final Node node;

    SealingRoutes(Node node) {
        this.node = node;
    }

    void register(Javalin app) {
        app.get("/api/v1/collections/{collection}", this::policy);
        app.put("/api/v1/collections/{collection}", this::declare);
        app.get("/api/v1/keys", this::keys);
        app.post("/api/v1/keys/rotate", this::rotate);
        app.post("/api/v1/erasures", this::requestErasure);
    }

    private void policy(Context ctx) {
        HttpApi.authenticate(node, ctx);
        String collection = collection(ctx);
        HttpApi.writeJson(ctx, json(collection, node.engine().policy(collection)));
    }

    private void declare(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        String collection = collection(ctx);
        CollectionPolicy policy = CollectionPolicy.fromJson(ApprovalRoutes.body(ctx, true));
        WriteResult r = Audited.run(node, Audited.event(node, Action.CONFIG_CHANGE, admin, ctx, collection, "", 1,
                Map.of("kalaja.config.change", "collection", "kalaja.collection.sealed", policy.sealed())),
                () -> node.engine().declare(caller(admin, ctx), collection, policy), WriteResult::index, WriteResult::version);
        HttpApi.writeJson(ctx, json(collection, policy).put("index", r.index()));
    }

    private void keys(Context ctx) {
        HttpApi.requireAdmin(node, ctx);
        Keyring ring = keyring();
        KeyCensus.Census census = ring.census();
        ObjectNode out = HttpApi.JSON.createObjectNode().put("kms", ring.kms().describe()).put("current_kek", ring.currentKek());
        ArrayNode keks = out.putArray("keks");
        ring.kms().keks().forEach(keks::add);
        out.put("live_data_keys", census.live()).put("destroyed_data_keys", census.destroyed());
        ObjectNode byKek = out.putObject("live_by_kek");
        census.liveByKek().forEach(byKek::put);
        ObjectNode missing = out.putObject("missing_keks");
        census.missing(ring.kms().keks()).forEach(missing::put);
        ArrayNode sealed = out.putArray("sealed_collections");
        node.engine().sealedCollections().forEach(sealed::add);
        HttpApi.writeJson(ctx, out);
    }

    private void rotate(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        Keyring.Rotation r = Audited.run(node, Audited.event(node, Action.CONFIG_CHANGE, admin, ctx, Keyring.COLLECTION, "", 1,
                Map.of("kalaja.config.change", "key_rotation")),
                () -> keyring().rotate(caller(admin, ctx), () -> awaitVaults(node.engine(), node.shipper().orElse(null))),
                x -> -1, x -> -1);
        HttpApi.writeJson(ctx, rotation(r));
    }

    /**
     * {@code {"subject": "...", "reason": "..."}}: requests the erasure of one data subject as a
     * two-person approval ({@code data.erase}). Destroying keys is irreversible, so a stolen admin token
     * alone must not be able to erase anyone; once a second administrator approves, {@link #erase}
     * runs. The approval, and the audit trail, hold the subject's pseudonym, never the subject.
     */
    private void requestErasure(Context ctx) {
        Principal admin = HttpApi.requireAdmin(node, ctx);
        JsonNode req = ApprovalRoutes.body(ctx, true);
        if (!req.path("subject").isTextual() || req.path("subject").asText().isBlank() || !req.path("reason").isTextual()
                || req.path("reason").asText().isBlank()) {
            throw new ApiError(400, "invalid_request", "send {\"subject\": \"the data subject's identifier, as the sealed collections "
                    + "name it\", \"reason\": \"the erasure request's reference\"}");
        }
        String reason = req.get("reason").asText();
        String pseudonym = keyring().pseudonym(req.get("subject").asText());
        Approval a = node.sentinel().sentinel().approvals().request(admin, "data.erase",
                Map.of("pseudonym", pseudonym, "reason", reason), "erasure request " + reason);
        ctx.status(202);
        HttpApi.writeJson(ctx, SentinelView.approval(a).put("pseudonym", pseudonym).put("detail",
                "a second administrator approves it with `kalaja approval approve " + a.id() + "`; then the subject's keys are "
                        + "destroyed and the KEKs rotated, so that no copy can open the data again"));
    }

    /** A granted {@code data.erase}: the subject's keys destroyed, then a rotation, whose old KEKs go once the vaults hold the rest. */
    static String erase(RecordsEngine engine, @Nullable Shipper shipper, Caller by, String pseudonym, String reason) {
        Keyring ring = engine.keyring().orElseThrow(() -> new IllegalStateException("this node has no key-management service"));
        List<String> destroyed = ring.shredPseudonym(by, pseudonym, reason);
        Keyring.Rotation r = ring.rotate(by, () -> awaitVaults(engine, shipper));
        return destroyed.size() + " data keys destroyed (" + String.join(", ", destroyed) + "); keys rotated to " + r.kek()
                + ", " + r.rewrapped() + " rewrapped, KEKs destroyed: " + r.destroyedKeks();
    }

    /** Old KEKs are destroyed only once the vaults hold the rewrapped keys: a wiped primary must not take the only copy. */
    private static void awaitVaults(RecordsEngine engine, @Nullable Shipper shipper) {
        if (shipper == null) return;
        long last = engine.size() - 1;
        try {
            shipper.published(last).get(VAULT_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw new ApiError(503, "not_in_vaults", "the keys are rewrapped under the new KEK, but the vaults do not hold them yet ("
                    + (e instanceof TimeoutException ? "waited " + VAULT_WAIT_SECONDS + " s" : e.getCause().getMessage())
                    + "), so the old KEKs were kept; rotate again once /api/v1/status shows the vaults caught up", Map.of("Retry-After", "30"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "interrupted", "interrupted while waiting for the vaults; the old KEKs were kept");
        }
    }

    private Keyring keyring() {
        return node.engine().keyring().orElseThrow(() -> new ApiError(409, "no_kms",
                "this node runs without a key-management service (--kms none); restart it with --kms to seal data"));
    }

    private static ObjectNode rotation(Keyring.Rotation r) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("kek", r.kek()).put("rewrapped", r.rewrapped());
        ArrayNode d = o.putArray("destroyed_keks");
        r.destroyedKeks().forEach(d::add);
        return o;
    }

    private static ObjectNode json(String collection, CollectionPolicy p) {
        ObjectNode o = HttpApi.JSON.createObjectNode().put("collection", collection).put("sealed", p.sealed());
        if (p.subject() == null) {
            o.putNull("subject");
        } else {
            o.put("subject", p.subject());
        }
        return o;
    }

    private static String collection(Context ctx) {
        try {
            return Names.collection(ctx.pathParam("collection"));
        } catch (EngineException e) {
            throw new ApiError(400, "invalid_name", e.getMessage());
        }
    }

    private static Caller caller(Principal p, Context ctx) {
        return p.caller(ctx.ip(), Audited.userAgent(ctx));
    }
}
