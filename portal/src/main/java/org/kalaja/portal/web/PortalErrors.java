package org.kalaja.portal.web;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.kalaja.portal.store.PortalException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a person sees when a portal page fails: an HTML page in plain words, never a stack trace or a
 * JSON error. Someone else's application and a page that does not exist look the same (404).
 */
public final class PortalErrors {
    private static final Logger LOG = LoggerFactory.getLogger(PortalErrors.class);

    private final PortalWeb web;

    public PortalErrors(PortalWeb web) {
        this.web = web;
    }

    /** Renders the page for {@code e}, thrown while serving a portal path. */
    public void handle(Context ctx, Exception e) {
        switch (e) {
            case PortalException p -> portal(ctx, p);
            case HttpResponseException h when h.getStatus() == 404 || h.getStatus() == 405 -> web.notFound(ctx);
            case HttpResponseException h -> web.error(ctx, h.getStatus(), "Sorry, there is a problem with the service", h.getMessage());
            default -> {
                LOG.error("portal page {} {} failed", ctx.method(), ctx.path(), e);
                web.error(ctx, 500, "Sorry, there is a problem with the service",
                        "Try again later. Nothing you sent has been lost: applications are only sent when you see a confirmation page.");
            }
        }
    }

    private void portal(Context ctx, PortalException e) {
        switch (e.kind()) {
            case SAFE_MODE -> web.unavailable(ctx, "Changing anything");
            case CONTAINED -> web.error(ctx, 403, "Your access is paused",
                    "Your account or network was paused while we investigate unusual activity. Contact the institution's counter.");
            case CONFLICT -> web.error(ctx, 409, "Someone else changed this",
                    "This was changed after you opened it. Go back, reload the page and try again.");
            case INVALID -> web.error(ctx, 400, "There is a problem", e.getMessage());
            case FORBIDDEN, NOT_FOUND -> web.notFound(ctx);
            case ERASED -> web.erased(ctx);
            case UNAVAILABLE -> {
                ctx.header("Retry-After", "30");
                web.error(ctx, 503, "Sorry, the service is busy", "Try again in a minute. Nothing you sent has been lost.");
            }
        }
    }
}
