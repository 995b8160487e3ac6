package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Map;

/**
 * The public status page ({@code /service-status}): honest, plain words on whether people can apply,
 * whether decisions are being made, and how the records are protected. No sign-in, no personal data.
 */
public final class StatusRoutes implements Routes {
    private final PortalWeb web;
    private final StatusSource status;

    public StatusRoutes(PortalWeb web, StatusSource status) {
        this.web = web;
        this.status = status;
    }

    @Override
    public void register(Javalin app) {
        app.get("/service-status", this::page);
        app.get("/accessibility", ctx -> web.render(ctx, "status/accessibility.jte", Map.of("page", web.page(ctx, "Accessibility statement"))));
    }

    private void page(Context ctx) {
        web.render(ctx, "status/status.jte", Map.of("page", web.page(ctx, "Service status"), "status", status.snapshot()));
    }
}
