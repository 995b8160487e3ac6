package org.kalaja.portal.web;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What every page's layout needs besides its own content. Built by {@link PortalWeb#page} from the
 * request, so no route can forget the safe-mode banner or the CSRF token.
 *
 * @param title      the page's {@code <title>} and usually its {@code <h1>}; errors prefix "Error: "
 * @param signedIn   the person's display name, or null when anonymous
 * @param role       {@code citizen}, {@code clerk}, {@code admin} or "" (chooses the navigation)
 * @param csrf       the token every form MUST carry as hidden field {@code _csrf}
 * @param safeMode   why writes are paused, or null: every page then shows the honest banner
 * @param errors     the error summary's entries, in field order (empty when the page is valid)
 * @param backLink   the "Back" link's target, or null
 */
public record Page(String title, @Nullable String signedIn, String role, String csrf, @Nullable String safeMode,
        List<FieldError> errors, @Nullable String backLink) {
    public Page {
        errors = List.copyOf(errors);
    }

    /** One entry of the error summary: links to the field with id {@code fieldId}. */
    public record FieldError(String fieldId, String message) {}

    public Page withErrors(List<FieldError> more) {
        return new Page(title, signedIn, role, csrf, safeMode, more, backLink);
    }

    public Page withBack(String href) {
        return new Page(title, signedIn, role, csrf, safeMode, errors, href);
    }

    public Page titled(String other) {
        return new Page(other, signedIn, role, csrf, safeMode, errors, backLink);
    }

    /** The {@code <title>}: GOV.UK pattern "Error: " first when the page has errors. */
    public String documentTitle() {
        return (errors.isEmpty() ? "" : "Error: ") + title + " – " + PortalWeb.SERVICE_NAME;
    }

    public boolean citizen() {
        return role.equals("citizen");
    }

    public boolean staff() {
        return role.equals("clerk") || role.equals("admin");
    }
}
