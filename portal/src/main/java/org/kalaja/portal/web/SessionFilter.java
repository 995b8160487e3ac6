package org.kalaja.portal.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.Sessions;

/**
 * The portal's first filter: who is asking, and whether their form is really theirs.
 *
 * <p>For every portal path (not {@code /api/}, {@code /log/}, {@code /metrics}, {@code /assets/}) it
 * decodes the {@code kalaja_session} cookie into request attribute {@link PortalWeb#SESSION} (a forged,
 * expired or revoked cookie counts as no cookie), re-issues it to push back the idle timeout, and gives
 * anonymous visitors a {@code kalaja_csrf} cookie whose value it puts in {@link PortalWeb#ANONYMOUS_CSRF}.
 * Every POST (PUT, PATCH, DELETE) MUST carry form field {@code _csrf} equal to the session's token, or to
 * the {@code kalaja_csrf} cookie when anonymous; otherwise it answers the 403 "form has expired" page and
 * no handler runs, so nothing is written.
 *
 * <p>Ordering: this filter MUST be registered before every other portal {@code before} handler and route
 * group ({@code Portal.open} puts it first), because the others read {@link PortalWeb#SESSION}.
 *
 * <p>Pages that need a role call {@link #requireCitizen}, {@link #requireStaff} or {@link #requireAdmin}
 * first: they return the verified session or throw {@link Denied}, which this filter's exception handler
 * turns into a redirect to sign-in, to the second-factor page, or a 403 page.
 */
public final class SessionFilter implements Routes {
    public static final String CSRF_COOKIE = "kalaja_csrf";
    public static final String CSRF_FIELD = "_csrf";

    private final PortalWeb web;
    private final Sessions sessions;
    private final boolean secureCookies;

    public SessionFilter(PortalWeb web, Sessions sessions, boolean secureCookies) {
        this.web = web;
        this.sessions = sessions;
        this.secureCookies = secureCookies;
    }

    /** Why a page refused this request; {@link #register} renders it. */
    public static final class Denied extends RuntimeException {
        /** What the visitor sees. */
        public enum Kind { SIGN_IN, SECOND_FACTOR, WRONG_ROLE, FORM_EXPIRED }

        private final Kind kind;
        private final @Nullable String next;

        Denied(Kind kind, @Nullable String next) {
            super(kind.name(), null, false, false);
            this.kind = kind;
            this.next = next;
        }

        public Kind kind() {
            return kind;
        }
    }

    @Override
    public void register(Javalin app) {
        app.before(this::filter);
        app.exception(Denied.class, (e, ctx) -> {
            switch (e.kind) {
                case SIGN_IN -> ctx.redirect(e.next == null ? "/sign-in" : "/sign-in?next=" + URLEncoder.encode(e.next, StandardCharsets.UTF_8));
                case SECOND_FACTOR -> ctx.redirect(e.next == null ? "/sign-in/two-factor"
                        : "/sign-in/two-factor?next=" + URLEncoder.encode(e.next, StandardCharsets.UTF_8));
                case WRONG_ROLE -> web.error(ctx, 403, "You cannot use this page",
                        "This page is not for the account you are signed in with. Sign out and sign in with the right account.");
                case FORM_EXPIRED -> web.error(ctx, 403, "This form has expired",
                        "This form has expired – go back and try again. Nothing was sent.");
            }
        });
    }

    void filter(Context ctx) {
        String path = ctx.path();
        if (!PortalWeb.owns(path) || path.startsWith("/assets/")) return;
        Optional<Session> session = sessions.decode(ctx.cookie(Sessions.COOKIE));
        String expected;
        if (session.isPresent()) {
            Session s = session.get();
            ctx.attribute(PortalWeb.SESSION, s);
            // Forms on the second-factor pages are rendered for a session that is not verified yet.
            if (!s.verified()) ctx.attribute(PortalWeb.ANONYMOUS_CSRF, s.csrf());
            sessions.refresh(s).ifPresent(r -> {
                ctx.attribute(PortalWeb.SESSION, r);
                setSession(ctx, r);
            });
            expected = s.csrf();
        } else {
            String token = ctx.cookie(CSRF_COOKIE);
            if (token == null || token.length() < 16 || token.length() > 64) {
                token = Sessions.token();
                setCookie(ctx, CSRF_COOKIE, token, -1);
            }
            ctx.attribute(PortalWeb.ANONYMOUS_CSRF, token);
            expected = token;
        }
        if (unsafe(ctx.method()) && !matches(ctx.formParam(CSRF_FIELD), expected)) {
            throw new Denied(Denied.Kind.FORM_EXPIRED, null);
        }
    }

    private static boolean unsafe(HandlerType m) {
        return m == HandlerType.POST || m == HandlerType.PUT || m == HandlerType.PATCH || m == HandlerType.DELETE;
    }

    private static boolean matches(@Nullable String given, String expected) {
        return given != null && !expected.isEmpty()
                && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }

    /** The signed-in citizen, or throws {@link Denied} (sign-in redirect for anonymous visitors, 403 for staff). */
    public static Session requireCitizen(Context ctx) {
        return require(ctx, "citizen");
    }

    /** The signed-in clerk or admin with both factors, or throws {@link Denied}. */
    public static Session requireStaff(Context ctx) {
        return require(ctx, "clerk", "admin");
    }

    /** The signed-in admin with both factors, or throws {@link Denied}. */
    public static Session requireAdmin(Context ctx) {
        return require(ctx, "admin");
    }

    private static Session require(Context ctx, String... roles) {
        Session s = ctx.attribute(PortalWeb.SESSION);
        if (s == null) throw new Denied(Denied.Kind.SIGN_IN, next(ctx));
        // Until the second factor, the role is only claimed: finish signing in first.
        if (!s.verified()) throw new Denied(Denied.Kind.SECOND_FACTOR, next(ctx));
        if (!List.of(roles).contains(s.role())) throw new Denied(Denied.Kind.WRONG_ROLE, null);
        return s;
    }

    /** Where to come back after signing in: this page, for GET requests only. */
    private static @Nullable String next(Context ctx) {
        if (ctx.method() != HandlerType.GET) return null;
        String q = ctx.queryString();
        return safeNext(ctx.path() + (q == null || q.isEmpty() ? "" : "?" + q));
    }

    /** {@code next} if it is a path on this site (no scheme, host or {@code //}), else null. */
    public static @Nullable String safeNext(@Nullable String next) {
        if (next == null || next.isEmpty() || next.length() > 1000 || next.charAt(0) != '/') return null;
        if (next.startsWith("//") || next.startsWith("/\\")) return null;
        for (int i = 0; i < next.length(); i++) {
            char c = next.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') return null;
        }
        return next;
    }

    /** Sets the session cookie (after sign-in, second factor or re-issue). */
    public void setSession(Context ctx, Session s) {
        setCookie(ctx, Sessions.COOKIE, sessions.encode(s), -1);
    }

    /** Clears the session cookie (sign-out). */
    public void clearSession(Context ctx) {
        setCookie(ctx, Sessions.COOKIE, "", 0);
    }

    /**
     * Sets cookie {@code name} for the whole site: HttpOnly, SameSite=Lax, Secure when configured.
     * Replaces a Set-Cookie of the same name already on this response, so a filter's re-issue and a
     * page's new session never both reach the browser.
     *
     * @param maxAge seconds; 0 deletes; negative means until the browser closes
     */
    public void setCookie(Context ctx, String name, String value, long maxAge) {
        setCookie(ctx, name, value, maxAge, "/");
    }

    public void setCookie(Context ctx, String name, String value, long maxAge, String path) {
        StringBuilder c = new StringBuilder(name).append('=').append(value).append("; Path=").append(path)
                .append("; HttpOnly; SameSite=Lax");
        if (maxAge >= 0) c.append("; Max-Age=").append(maxAge);
        if (maxAge == 0) c.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        if (secureCookies) c.append("; Secure");
        List<String> keep = new ArrayList<>();
        for (String h : ctx.res().getHeaders("Set-Cookie")) if (!h.startsWith(name + "=")) keep.add(h);
        keep.add(c.toString());
        ctx.res().setHeader("Set-Cookie", keep.get(0));
        for (int i = 1; i < keep.size(); i++) ctx.res().addHeader("Set-Cookie", keep.get(i));
    }

    public Sessions sessions() {
        return sessions;
    }
}
