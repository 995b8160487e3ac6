package org.kalaja.portal.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.store.PortalRecords;
import org.kalaja.portal.store.Who;

/**
 * The portal's pages on the node's HTTP server: security headers, assets, rendering and the common
 * page model. Route groups (sign-in, citizen journeys, back office, verification, status) register
 * themselves through {@link #register}.
 *
 * <p>Invariants: every portal response carries a strict Content-Security-Policy (no inline script or
 * style, nothing from other origins) and {@code Cache-Control: no-store} unless it is a public asset;
 * every page is rendered through a {@link Page} built by {@link #page}, so the safe-mode banner and the
 * CSRF token are never forgotten.
 */
public final class PortalWeb {
    public static final String SERVICE_NAME = "e-Services";
    /** Request attribute holding the {@link Session}, set by the session filter. */
    public static final String SESSION = "kalaja.portal.session";
    /** Request attribute holding the institution whose service the request concerns ({@link #concerns}). */
    static final String INSTITUTION = "kalaja.portal.institution";
    /** Request attribute holding the CSRF token of an anonymous visitor. */
    public static final String ANONYMOUS_CSRF = "kalaja.portal.csrf";

    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            + "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/assets/kalaja.css", "org/kalaja/portal/assets/kalaja.css");

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final PortalRecords records;
    private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();

    public PortalWeb(PortalRecords records) {
        this.records = records;
    }

    public PortalRecords records() {
        return records;
    }

    /** Whether {@code path} belongs to the portal rather than the JSON API or the log. */
    public static boolean owns(String path) {
        return !path.startsWith("/api/") && !path.startsWith("/log/") && !path.equals("/metrics");
    }

    /** Security headers for portal paths; call from the server's before-filter. */
    public static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
        if (!ctx.path().startsWith("/assets/")) ctx.header("Cache-Control", "no-store");
    }

    /** Serves the CSS the layout links: GOV.UK Frontend's without its font, and Kalaja's own. */
    public void registerAssets(Javalin app) {
        app.get("/assets/govuk-frontend.min.css", ctx -> css(ctx, assetCache.computeIfAbsent("govuk", k -> GovukCss.load())));
        for (Map.Entry<String, String> a : ASSETS.entrySet()) {
            app.get(a.getKey(), ctx -> css(ctx, assetCache.computeIfAbsent(a.getKey(), k -> resource(a.getValue()))));
        }
        app.get("/assets/favicon.svg", ctx -> {
            ctx.header("Cache-Control", "public, max-age=86400");
            ctx.contentType("image/svg+xml").result(assetCache.computeIfAbsent("favicon", k -> resource("org/kalaja/portal/assets/favicon.svg")));
        });
        // Browsers ask for /favicon.ico whatever the page says; the layout names the SVG.
        app.get("/favicon.ico", ctx -> ctx.redirect("/assets/favicon.svg", io.javalin.http.HttpStatus.MOVED_PERMANENTLY));
    }

    private static void css(Context ctx, byte[] body) {
        ctx.header("Cache-Control", "public, max-age=3600");
        ctx.contentType("text/css; charset=utf-8").result(body);
    }

    static byte[] resource(String path) {
        try (InputStream in = PortalWeb.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The signed-in, fully verified person, if any. */
    public static Optional<Session> session(Context ctx) {
        Session s = ctx.attribute(SESSION);
        return s != null && s.verified() ? Optional.of(s) : Optional.empty();
    }

    /** The person behind this request, for entries and audit events. */
    public static Who who(Context ctx) {
        Session s = session(ctx).orElse(null);
        String ua = Optional.ofNullable(ctx.userAgent()).orElse("");
        return s == null ? new Who("anonymous", "", "", ctx.ip(), ua) : new Who(s.actor(), s.name(), s.role(), ctx.ip(), ua);
    }

    /** The page model for this request: who is signed in, the CSRF token and the safe-mode banner. */
    public Page page(Context ctx, String title) {
        Optional<Session> s = session(ctx);
        String csrf = s.map(Session::csrf).orElseGet(() -> Optional.ofNullable(ctx.<String>attribute(ANONYMOUS_CSRF)).orElse(""));
        return new Page(title, s.map(Session::name).orElse(null), s.map(Session::role).orElse(""), csrf,
                records.safeMode().orElse(null), List.of(), null);
    }

    /** Renders {@code template} ({@code name.jte} under src/main/jte) with {@code params} as HTML. */
    public void render(Context ctx, String template, Map<String, @Nullable Object> params) {
        // Straight to UTF-8 bytes: a page is built once, not as a String, then copied and encoded again.
        Utf8ByteOutput out = new Utf8ByteOutput();
        templates.render(template, params, out);
        ctx.contentType("text/html; charset=utf-8").result(out.toByteArray());
    }

    /**
     * The "service unavailable" page (503, GOV.UK pattern) for a write refused in safe mode.
     *
     * @param what what was refused, as a sentence's subject ("Sending applications", "Deciding applications")
     */
    public void unavailable(Context ctx, String what) {
        ctx.header("Retry-After", "3600");
        Map<String, @Nullable Object> params = new java.util.HashMap<>();
        params.put("page", page(ctx, "Sorry, the service is unavailable"));
        params.put("what", what);
        params.put("institution", ctx.attribute(INSTITUTION));
        render(ctx, 503, "web/unavailable.jte", params);
    }

    /**
     * Notes that this request concerns {@code institution}'s service, so that an unavailable page can say
     * where its counter is (the GOV.UK pattern's "another way to get the service").
     */
    public static void concerns(Context ctx, org.kalaja.portal.catalogue.@Nullable Institution institution) {
        if (institution != null) ctx.attribute(INSTITUTION, institution);
    }

    /** The "page not found" page: also what a person sees for someone else's application or document. */
    public void notFound(Context ctx) {
        render(ctx, 404, "web/error.jte", Map.of("page", page(ctx, "Page not found"), "heading", "Page not found",
                "message", "If you typed the web address, check it is correct. If you followed a link to an application,"
                        + " message or document, make sure you are signed in with the account it belongs to."));
    }

    /**
     * The page for data erased on request (410 Gone): its data keys were destroyed, so no one can show it
     * again. It names no one: the person asking may be the one whose data it was, or a clerk.
     */
    public void erased(Context ctx) {
        error(ctx, 410, "This information was erased",
                "It was erased at the request of the person it concerned, under their right to erasure. It cannot be shown"
                        + " or restored, by us or by anyone else. If you need it, contact the institution's counter.");
    }

    /** An error page with {@code status}, e.g. 403 for a form whose CSRF token expired. */
    public void error(Context ctx, int status, String heading, String message) {
        render(ctx, status, "web/error.jte", Map.of("page", page(ctx, heading), "heading", heading, "message", message));
    }

    /** Renders {@code template} with status {@code status}. */
    public void render(Context ctx, int status, String template, Map<String, @Nullable Object> params) {
        ctx.status(status);
        render(ctx, template, params);
    }
}
