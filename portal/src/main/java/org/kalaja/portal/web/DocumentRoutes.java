package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.kalaja.ledger.Note;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.seal.Documents;
import org.kalaja.portal.seal.SealedDocument;
import org.kalaja.portal.store.PortalException;

/**
 * A citizen's documents: the list ({@code /documents}), the printable document ({@code /documents/{id}},
 * HTML that prints to PDF, with its e-seal, log entry and a QR code of its public verification address)
 * and its canonical signed text ({@code /documents/{id}/sealed.txt}). Holder only: anyone else gets the
 * same 404 page as for a document that does not exist. Reads only, so all of it works in safe mode.
 */
public final class DocumentRoutes implements Routes {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final PortalWeb web;
    private final Documents documents;
    private final String publicBase;

    public DocumentRoutes(PortalWeb web, Documents documents, URI publicUrl) {
        this.web = web;
        this.documents = documents;
        String base = publicUrl.toString();
        this.publicBase = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    @Override
    public void register(Javalin app) {
        app.get("/documents", this::list);
        app.get("/documents/{id}", this::show);
        app.get("/documents/{id}/sealed.txt", this::sealed);
    }

    /** The public address a document's QR code and paper copy point to. */
    public String verifyUrl(String id) {
        return publicBase + "/verify/" + id;
    }

    /** A time as documents print it: {@code 1 March 2025, 09:30 UTC}. */
    public static String when(Instant t) {
        return WHEN.format(t);
    }

    private void list(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        web.render(ctx, "seal/list.jte", Map.of("page", web.page(ctx, "Your documents"),
                "documents", documents.ofHolder(PortalWeb.who(ctx), s.accountId())));
    }

    private void show(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        try {
            SealedDocument d = documents.forHolder(PortalWeb.who(ctx), s.accountId(), ctx.pathParam("id"));
            Note.Signature seal = Note.parse(d.note()).signatures().getFirst();
            String url = verifyUrl(d.id());
            web.render(ctx, "seal/document.jte", Map.of("page", web.page(ctx, d.title()).withBack("/documents"), "doc", d,
                    "content", d.content(), "sealKey", seal.toString(), "verifyUrl", url, "qr", QrSvg.dataUri(url)));
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.NOT_FOUND) throw e;
            web.notFound(ctx);
        }
    }

    private void sealed(Context ctx) {
        Session s = SessionFilter.requireCitizen(ctx);
        try {
            SealedDocument d = documents.forHolder(PortalWeb.who(ctx), s.accountId(), ctx.pathParam("id"));
            ctx.header("Content-Disposition", "inline; filename=\"" + d.id() + ".sealed.txt\"");
            ctx.contentType("text/plain; charset=utf-8").result(d.note());
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.NOT_FOUND) throw e;
            web.notFound(ctx);
        }
    }
}
