package org.kalaja.portal.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kalaja.portal.seal.Documents;
import org.kalaja.portal.seal.Verification;
import org.kalaja.portal.seal.Verifier;
import org.kalaja.portal.store.PortalRecords;

/**
 * Public verification, no sign-in: the form ({@code GET /verify}, a document number; or the pasted signed
 * text, {@code POST /verify/text}), the result ({@code /verify/{id}}, what the QR code on paper points to),
 * and the same result as JSON ({@code GET /api/v1/documents/{id}/verification}, 404 {@code not_found} for
 * an unknown id, 410 {@code erased} for a document erased at its holder's request) with a
 * c2sp.org/tlog-proof of the issuing entry. Reads only: works in safe mode.
 */
public final class VerifyRoutes implements Routes {
    /** Longest pasted text read: a document note is at most 32 KiB plus its signatures. */
    private static final int MAX_PASTE = 40_000;

    private final PortalWeb web;
    private final Verifier verifier;

    public VerifyRoutes(PortalWeb web, Verifier verifier) {
        this.web = web;
        this.verifier = verifier;
    }

    @Override
    public void register(Javalin app) {
        app.get("/verify", this::form);
        app.post("/verify/text", this::pasted);
        app.get("/verify/{id}", this::result);
        app.get("/api/v1/documents/{id}/verification", this::json);
    }

    private void form(Context ctx) {
        String typed = Optional.ofNullable(ctx.queryParam("id")).orElse("");
        if (ctx.queryParam("id") == null) {
            renderForm(ctx, "", "", List.of());
            return;
        }
        Optional<String> id = Documents.normalizeId(typed);
        if (id.isPresent()) {
            ctx.redirect("/verify/" + id.get(), io.javalin.http.HttpStatus.SEE_OTHER);
            return;
        }
        String message = typed.isBlank() ? "Enter the document number"
                : "Enter the document number as it is printed: D followed by 16 letters and numbers";
        ctx.status(400);
        renderForm(ctx, typed, "", List.of(new Page.FieldError("id", message)));
    }

    private void pasted(Context ctx) {
        String text = Optional.ofNullable(ctx.formParam("text")).orElse("");
        String error = text.isBlank() ? "Paste the document's sealed text"
                : text.length() > MAX_PASTE ? "The text is too long to be a sealed document" : null;
        if (error == null) {
            Verification v = verifier.verifyText(PortalWeb.who(ctx), text);
            if (v.found()) {
                renderResult(ctx, v);
                return;
            }
            error = "This text is not a document issued here: " + v.checks().getLast().detail();
        }
        ctx.status(400);
        renderForm(ctx, "", text.length() > MAX_PASTE ? "" : text, List.of(new Page.FieldError("text", error)));
    }

    private void renderForm(Context ctx, String typedId, String text, List<Page.FieldError> errors) {
        Page page = web.page(ctx, "Check a document").withErrors(errors);
        web.render(ctx, "seal/verify.jte", Map.of("page", page, "typedId", typedId, "text", text,
                "idError", errorFor(errors, "id"), "textError", errorFor(errors, "text")));
    }

    private static String errorFor(List<Page.FieldError> errors, String field) {
        return errors.stream().filter(e -> e.fieldId().equals(field)).map(Page.FieldError::message).findFirst().orElse("");
    }

    private void result(Context ctx) {
        renderResult(ctx, verifier.verify(PortalWeb.who(ctx), ctx.pathParam("id")));
    }

    private void renderResult(Context ctx, Verification v) {
        if (v.erased()) {
            web.error(ctx, 410, "This document was erased", "Document " + v.id() + " was issued here, but it was erased at the"
                    + " request of the person it was issued to, under their right to erasure. Its text can no longer be shown or"
                    + " checked, by us or by anyone else. Ask the person for another proof, or ask the institution that issued it.");
            return;
        }
        if (!v.found()) ctx.status(404);
        String title = !v.found() ? "We could not find this document"
                : !v.genuine() ? "We could not verify this document"
                : v.revoked() ? "This document was revoked" : "This document is genuine";
        web.render(ctx, "seal/result.jte", Map.of("page", web.page(ctx, title).withBack("/verify"), "v", v));
    }

    private void json(Context ctx) {
        Verification v = verifier.verify(PortalWeb.who(ctx), ctx.pathParam("id"));
        ctx.header("Cache-Control", "no-store");
        if (v.erased()) {
            ObjectNode err = PortalRecords.JSON.createObjectNode().put("error", "erased").put("detail", v.checks().getLast().detail());
            ctx.status(410).contentType("application/json").result(err.toString());
            return;
        }
        if (!v.found()) {
            ObjectNode err = PortalRecords.JSON.createObjectNode().put("error", "not_found")
                    .put("detail", v.checks().isEmpty() ? "no such document" : v.checks().getLast().detail());
            ctx.status(404).contentType("application/json").result(err.toString());
            return;
        }
        ctx.contentType("application/json").result(toJson(v).toString());
    }

    /** The verification as the API answers it: the page's fields, the checks, and the tlog-proof. */
    static ObjectNode toJson(Verification v) {
        ObjectNode o = PortalRecords.JSON.createObjectNode().put("id", v.id()).put("genuine", v.genuine())
                .put("proof_pending", v.proofPending()).put("revoked", v.revoked());
        o.put("revoked_reason", v.revokedReason()).put("revoked_at", v.revokedAt() == null ? null : v.revokedAt().toString());
        o.put("institution", v.institution()).put("institution_name", v.institutionName()).put("title", v.title())
                .put("holder_name", v.holderName()).put("personal_number", v.maskedPersonalNumber())
                .put("issued", v.issued() == null ? null : v.issued().toString()).put("log_index", v.logIndex())
                .put("seal_key", v.sealKey()).put("checkpoint_size", v.checkpointSize()).put("root_hash", v.rootHash())
                .put("checkpoint_signers", v.checkpointSigners());
        ArrayNode cosigners = o.putArray("cosigners");
        v.cosigners().forEach(cosigners::add);
        ArrayNode proof = o.putArray("inclusion_proof");
        v.proof().forEach(proof::add);
        o.put("tlog_proof", v.tlogProof().isEmpty() ? null : v.tlogProof());
        ArrayNode checks = o.putArray("checks");
        for (Verification.Check c : v.checks()) {
            checks.addObject().put("name", c.name()).put("outcome", c.outcome().name().toLowerCase(java.util.Locale.ROOT))
                    .put("detail", c.detail());
        }
        return o;
    }
}
