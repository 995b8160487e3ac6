package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Accounts;
import org.kalaja.portal.identity.Identity;
import org.kalaja.portal.identity.Oidc;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.SignIn;
import org.kalaja.portal.identity.Totp;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-in pages: {@code /sign-in}, {@code /create-account}, the second factor ({@code /sign-in/two-factor},
 * {@code /sign-in/two-factor/set-up}), the one-time password's replacement ({@code /sign-in/new-password}),
 * {@code POST /sign-out} and "Sign in with …" ({@code /sign-in/oidc}).
 *
 * <p>A staff member's way in: password, then (first time) a password of their own, then (first time)
 * enrolment of an authenticator, then the code. The session stays unverified, and so reaches nothing else,
 * until the last step. Only creating an account, choosing a password and enrolling write; signing in does
 * not, so it works in safe mode.
 */
public final class SignInRoutes implements Routes {
    private static final Logger LOG = LoggerFactory.getLogger(SignInRoutes.class);
    private static final String WRONG = "Enter a correct email address and password";

    private final PortalWeb web;
    private final SessionFilter filter;
    private final Identity identity;

    public SignInRoutes(PortalWeb web, SessionFilter filter, Identity identity) {
        this.web = web;
        this.filter = filter;
        this.identity = identity;
    }

    @Override
    public void register(Javalin app) {
        app.get("/sign-in", this::signInPage);
        app.post("/sign-in", this::signIn);
        app.get("/create-account", this::createPage);
        app.post("/create-account", this::create);
        app.get("/sign-in/new-password", ctx -> half(ctx).ifPresent(s -> newPasswordPage(ctx, Map.of(), 200)));
        app.post("/sign-in/new-password", this::newPassword);
        app.get("/sign-in/two-factor", ctx -> half(ctx).ifPresent(s -> codePage(ctx, s, "", 200)));
        app.post("/sign-in/two-factor", ctx -> secondFactor(ctx, false));
        app.get("/sign-in/two-factor/set-up", ctx -> half(ctx).ifPresent(s -> setUpPage(ctx, s, "", 200)));
        app.post("/sign-in/two-factor/set-up", ctx -> secondFactor(ctx, true));
        app.post("/sign-out", this::signOut);
        app.get("/sign-in/oidc", this::oidcStart);
        app.get(Oidc.CALLBACK, this::oidcCallback);
    }

    private void signInPage(Context ctx) {
        Optional<Session> s = PortalWeb.session(ctx);
        if (s.isPresent()) {
            ctx.redirect(landing(s.get(), next(ctx)));
            return;
        }
        signInForm(ctx, "", "", 200);
    }

    private void signInForm(Context ctx, String email, String error, int status) {
        Page page = web.page(ctx, "Sign in");
        if (!error.isEmpty()) page = page.withErrors(List.of(new Page.FieldError("email", error)));
        web.render(ctx, status, "identity/sign-in.jte", Map.of("page", page, "email", email, "next", Optional.ofNullable(next(ctx)).orElse(""),
                "provider", identity.oidc().map(Oidc::name).orElse(""), "error", error));
    }

    private void signIn(Context ctx) {
        String email = Optional.ofNullable(ctx.formParam("email")).orElse("").strip();
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        if (email.isEmpty() || password.isEmpty()) {
            signInForm(ctx, email, WRONG, 400);
            return;
        }
        switch (identity.signIn().password(PortalWeb.who(ctx), email, password)) {
            case SignIn.Result.Limited l -> tooMany(ctx, l.minutes());
            case SignIn.Result.Refused r -> signInForm(ctx, email, WRONG, 400);
            case SignIn.Result.SignedIn in -> {
                filter.setSession(ctx, in.session());
                ctx.redirect(in.session().verified() ? landing(in.session(), next(ctx)) : nextStep(in.account(), next(ctx)));
            }
        }
    }

    private void tooMany(Context ctx, long minutes) {
        ctx.header("Retry-After", Long.toString(minutes * 60));
        web.error(ctx, 429, "Too many attempts", "Too many attempts. Try again in " + minutes + (minutes == 1 ? " minute." : " minutes."));
    }

    private void createPage(Context ctx) {
        if (web.records().safeMode().isPresent()) {
            web.unavailable(ctx, "Creating an account");
            return;
        }
        createForm(ctx, Map.of(), Map.of(), 200);
    }

    private void createForm(Context ctx, Map<String, String> values, Map<String, String> errors, int status) {
        Page page = web.page(ctx, "Create an account").withBack("/sign-in");
        page = page.withErrors(errors.entrySet().stream().map(e -> new Page.FieldError(e.getKey(), e.getValue())).toList());
        web.render(ctx, status, "identity/create-account.jte", Map.of("page", page, "values", values, "errors", errors));
    }

    private void create(Context ctx) {
        Map<String, String> v = new LinkedHashMap<>();
        for (String f : List.of("name", "personal-number", "email")) v.put(f, Optional.ofNullable(ctx.formParam(f)).orElse("").strip());
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String confirm = Optional.ofNullable(ctx.formParam("confirm")).orElse("");
        Map<String, String> errors = new LinkedHashMap<>();
        for (Accounts.Problem p : Accounts.checkCitizen(v.get("name"), v.get("personal-number"), v.get("email"), password, confirm)) {
            errors.putIfAbsent(p.field(), p.message());
        }
        if (!errors.isEmpty()) {
            createForm(ctx, v, errors, 400);
            return;
        }
        try {
            Account a = identity.accounts().registerCitizen(PortalWeb.who(ctx), v.get("name"), v.get("personal-number"), v.get("email"), password);
            Session s = identity.signIn().trusted(PortalWeb.who(ctx), a, "registration").session();
            filter.setSession(ctx, s);
            ctx.redirect("/account");
        } catch (PortalException e) {
            switch (e.kind()) {
                case SAFE_MODE -> web.unavailable(ctx, "Creating an account");
                case INVALID -> {
                    Accounts.Problem p = Accounts.problem(e);
                    createForm(ctx, v, Map.of(p.field().isEmpty() ? "email" : p.field(), p.message()), 400);
                }
                default -> throw e;
            }
        }
    }

    /** The unverified staff session on a second-step page; otherwise redirects and answers empty. */
    private Optional<Session> half(Context ctx) {
        Session s = ctx.attribute(PortalWeb.SESSION);
        if (s == null) {
            ctx.redirect("/sign-in");
            return Optional.empty();
        }
        if (s.verified()) {
            ctx.redirect(landing(s, next(ctx)));
            return Optional.empty();
        }
        Optional<Account> a = identity.accounts().byId(s.accountId());
        if (a.isEmpty()) {
            ctx.redirect("/sign-in");
            return Optional.empty();
        }
        String want = step(a.get());
        if (!ctx.path().equals(want)) {
            ctx.redirect(withNext(want, next(ctx)));
            return Optional.empty();
        }
        return Optional.of(s);
    }

    private static String step(Account a) {
        if (a.mustChangePassword()) return "/sign-in/new-password";
        return a.totpSecret() == null ? "/sign-in/two-factor/set-up" : "/sign-in/two-factor";
    }

    private String nextStep(Account a, @Nullable String next) {
        return withNext(step(a), next);
    }

    private void newPasswordPage(Context ctx, Map<String, String> errors, int status) {
        Page page = web.page(ctx, "Choose your own password")
                .withErrors(errors.entrySet().stream().map(e -> new Page.FieldError(e.getKey(), e.getValue())).toList());
        web.render(ctx, status, "identity/new-password.jte", Map.of("page", page, "next", orEmpty(next(ctx)), "errors", errors));
    }

    private void newPassword(Context ctx) {
        Optional<Session> s = half(ctx);
        if (s.isEmpty()) return;
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String confirm = Optional.ofNullable(ctx.formParam("confirm")).orElse("");
        Map<String, String> errors = new LinkedHashMap<>();
        identity.accounts().byId(s.get().accountId()).ifPresent(a -> {
            if (password.isEmpty()) errors.put("password", "Enter a new password");
            else org.kalaja.portal.identity.Passwords.weakness(password).ifPresent(w -> errors.put("password", w));
            if (!password.isEmpty() && !password.equals(confirm)) errors.put("confirm", "The passwords do not match");
            if (errors.isEmpty()) {
                try {
                    Account b = identity.accounts().changePassword(a.acting(PortalWeb.who(ctx)), a, password);
                    ctx.redirect(nextStep(b, next(ctx)));
                } catch (PortalException e) {
                    if (e.kind() != PortalException.Kind.SAFE_MODE) throw e;
                    web.unavailable(ctx, "Setting up staff accounts");
                }
            }
        });
        if (!errors.isEmpty()) newPasswordPage(ctx, errors, 400);
    }

    private void codePage(Context ctx, Session s, String error, int status) {
        Page page = web.page(ctx, "Enter the code from your authenticator app");
        if (!error.isEmpty()) page = page.withErrors(List.of(new Page.FieldError("code", error)));
        web.render(ctx, status, "identity/two-factor.jte", Map.of("page", page, "next", orEmpty(next(ctx)), "error", error));
    }

    private void setUpPage(Context ctx, Session s, String error, int status) {
        Account a = identity.accounts().byId(s.accountId()).orElseThrow();
        byte[] secret = identity.signIn().enrolmentSecret(s);
        String uri = Totp.uri(PortalWeb.SERVICE_NAME, a.email(), secret);
        Page page = web.page(ctx, "Set up your authenticator app");
        if (!error.isEmpty()) page = page.withErrors(List.of(new Page.FieldError("code", error)));
        String grouped = Totp.base32(secret).replaceAll("(.{4})(?!$)", "$1 ");
        web.render(ctx, status, "identity/two-factor-set-up.jte", Map.of("page", page, "next", orEmpty(next(ctx)), "secret", grouped,
                "qr", QrSvg.dataUri(uri), "error", error));
    }

    /** Checks the code of an enrolled authenticator, or (at {@code enrolment}) of the one being set up. */
    private void secondFactor(Context ctx, boolean enrolment) {
        Optional<Session> s = half(ctx);
        if (s.isEmpty()) return;
        Session half = s.get();
        Consumer<String> again = error -> {
            if (enrolment) setUpPage(ctx, half, error, 400);
            else codePage(ctx, half, error, 400);
        };
        String code = Optional.ofNullable(ctx.formParam("code")).orElse("").strip();
        if (code.isEmpty()) {
            again.accept("Enter the 6-digit code from your authenticator app");
            return;
        }
        Who who = PortalWeb.who(ctx);
        try {
            switch (enrolment ? identity.signIn().enrol(who, half, code) : identity.signIn().code(who, half, code)) {
                case SignIn.Result.Limited l -> tooMany(ctx, l.minutes());
                case SignIn.Result.Refused x -> again.accept(enrolment
                        ? "The code is not correct – check the key in your app and enter the code it shows now"
                        : "The code is not correct or was already used – enter the code your app shows now");
                case SignIn.Result.SignedIn in -> {
                    filter.setSession(ctx, in.session());
                    ctx.redirect(landing(in.session(), next(ctx)));
                }
            }
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.SAFE_MODE) throw e;
            web.unavailable(ctx, "Setting up an authenticator app");
        }
    }

    private void signOut(Context ctx) {
        Session s = ctx.attribute(PortalWeb.SESSION);
        if (s != null) identity.sessions().revoke(s);
        filter.clearSession(ctx);
        ctx.redirect("/sign-in");
    }

    private void oidcStart(Context ctx) {
        Optional<Oidc> oidc = identity.oidc();
        if (oidc.isEmpty()) {
            web.notFound(ctx);
            return;
        }
        try {
            Oidc.Start start = oidc.get().start(next(ctx));
            filter.setCookie(ctx, Oidc.STATE_COOKIE, start.cookie(), 600, "/sign-in/oidc");
            ctx.redirect(start.authorize().toString());
        } catch (Oidc.OidcException e) {
            LOG.warn("sign-in with {} could not start: {}", oidc.get().name(), e.getMessage());
            providerFailed(ctx, oidc.get(), 502);
        }
    }

    private void oidcCallback(Context ctx) {
        Optional<Oidc> oidc = identity.oidc();
        if (oidc.isEmpty()) {
            web.notFound(ctx);
            return;
        }
        filter.setCookie(ctx, Oidc.STATE_COOKIE, "", 0, "/sign-in/oidc");
        Who who = PortalWeb.who(ctx);
        Oidc.Claims c;
        try {
            c = oidc.get().finish(ctx.cookie(Oidc.STATE_COOKIE), ctx.queryParam("state"), ctx.queryParam("code"));
        } catch (Oidc.OidcException e) {
            LOG.warn("sign-in with {} refused: {}", oidc.get().name(), e.getMessage());
            identity.signIn().providerRefused(who);
            providerFailed(ctx, oidc.get(), 400);
            return;
        }
        try {
            Account a = identity.accounts().forSubject(who, c.subjectKey(), c.personalNumber(), c.name(), c.email());
            if (!a.role().equals(Account.CITIZEN)) {
                providerFailed(ctx, oidc.get(), 403);
                return;
            }
            Session s = identity.signIn().trusted(who, a, "oidc").session();
            filter.setSession(ctx, s);
            ctx.redirect(landing(s, SessionFilter.safeNext(c.next())));
        } catch (PortalException e) {
            if (e.kind() != PortalException.Kind.SAFE_MODE) throw e;
            web.unavailable(ctx, "Creating an account");
        }
    }

    private void providerFailed(Context ctx, Oidc oidc, int status) {
        web.error(ctx, status, "You could not be signed in", "Signing in with " + oidc.name()
                + " did not work. Try again, or sign in with your email address and password.");
    }

    /** Where a signed-in person goes: {@code next} if it is a local path, else their role's start page. */
    static String landing(Session s, @Nullable String next) {
        if (next != null) return next;
        return s.role().equals(Account.CITIZEN) ? "/account" : "/clerk";
    }

    private static @Nullable String next(Context ctx) {
        String n = ctx.formParam("next");
        if (n == null) n = ctx.queryParam("next");
        return SessionFilter.safeNext(n);
    }

    private static String withNext(String path, @Nullable String next) {
        return next == null ? path : path + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    private static String orEmpty(@Nullable String s) {
        return s == null ? "" : s;
    }
}
