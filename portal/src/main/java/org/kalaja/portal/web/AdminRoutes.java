package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.catalogue.Institution;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.store.PortalException;

/**
 * {@code /admin/staff}: administrators list clerks and administrators and add a clerk of an institution
 * (or another administrator). The new account's one-time password is shown once, on the page that
 * answers the form, and is never stored in clear.
 */
public final class AdminRoutes implements Routes {
    private static final int MAX_STAFF = 1000;

    private final PortalWeb web;
    private final Accounts accounts;
    private final Supplier<List<Institution>> institutions;

    public AdminRoutes(PortalWeb web, Accounts accounts, Supplier<List<Institution>> institutions) {
        this.web = web;
        this.accounts = accounts;
        this.institutions = institutions;
    }

    @Override
    public void register(Javalin app) {
        app.get("/admin/staff", ctx -> {
            SessionFilter.requireAdmin(ctx);
            page(ctx, 200, Map.of(), Map.of(), null, "");
        });
        app.post("/admin/staff", this::create);
    }

    private void page(Context ctx, int status, Map<String, String> values, Map<String, String> errors, @Nullable Account created,
            String oneTime) {
        Page page = web.page(ctx, created == null ? "Staff accounts" : "Account created")
                .withErrors(errors.entrySet().stream().map(e -> new Page.FieldError(e.getKey(), e.getValue())).toList());
        Map<String, @Nullable Object> model = new HashMap<>();
        model.put("page", page);
        model.put("staff", accounts.staff(MAX_STAFF));
        model.put("institutions", institutions.get());
        model.put("values", values);
        model.put("errors", errors);
        model.put("created", created);
        model.put("oneTimePassword", oneTime);
        web.render(ctx, status, "identity/staff.jte", model);
    }

    private void create(Context ctx) {
        SessionFilter.requireAdmin(ctx);
        Map<String, String> v = new LinkedHashMap<>();
        for (String f : List.of("name", "email", "institution", "role")) v.put(f, Optional.ofNullable(ctx.formParam(f)).orElse("").strip());
        String role = v.get("role").equals(Account.ADMIN) ? Account.ADMIN : Account.CLERK;
        Map<String, String> errors = new LinkedHashMap<>();
        if (v.get("name").isEmpty()) errors.put("name", "Enter the person's full name");
        if (v.get("email").isEmpty()) errors.put("email", "Enter their work email address");
        String institution = null;
        if (role.equals(Account.CLERK)) {
            Optional<Institution> i = institutions.get().stream().filter(x -> x.id().equals(v.get("institution"))).findFirst();
            if (i.isEmpty()) errors.put("institution", "Choose the clerk's institution");
            else institution = i.get().id();
        }
        if (!errors.isEmpty()) {
            page(ctx, 400, v, errors, null, "");
            return;
        }
        try {
            Accounts.NewStaff made = accounts.createStaff(PortalWeb.who(ctx), role, institution, v.get("name"), v.get("email"));
            page(ctx, 200, Map.of(), Map.of(), made.account(), made.oneTimePassword());
        } catch (PortalException e) {
            switch (e.kind()) {
                case SAFE_MODE -> web.unavailable(ctx, "Adding staff accounts");
                case INVALID -> {
                    Accounts.Problem p = Accounts.problem(e);
                    page(ctx, 400, v, Map.of(p.field().isEmpty() ? "email" : p.field(), p.message()), null, "");
                }
                default -> throw e;
            }
        }
    }
}
