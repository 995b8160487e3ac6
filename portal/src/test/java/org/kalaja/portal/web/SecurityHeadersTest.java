package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.Portal;
import org.kalaja.portal.PortalConfig;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.SignInLimiter;
import org.kalaja.portal.identity.Sessions;
import org.kalaja.portal.seal.CheckpointSource;
import org.kalaja.portal.store.PortalWatch;
import org.kalaja.sentinel.Action;
import org.kalaja.sentinel.AuditEvent;
import org.kalaja.portal.web.AuthzWorld.Persona;

/**
 * What every portal response promises the browser (a strict CSP, no framing, no sniffing, no caching of
 * pages, cookies a script cannot read) and the defences of forms and sessions: CSRF tokens, signed session
 * cookies that change at sign-in, and sign-in redirects that never leave the site. The rate limit and the
 * Secure flag get portals of their own, so their counters and configuration touch nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityHeadersTest {
    AuthzWorld w;
    String completeDraft;

    @BeforeAll
    void build(@TempDir Path dir) throws Exception {
        w = new AuthzWorld(dir);
        completeDraft = w.completeDraft(w.citizenA);
    }

    @AfterAll
    void close() {
        w.close();
    }

    /** The headers every portal response MUST carry; {@code page}: an HTML page, not an asset. */
    static void strict(String what, HttpResponse<String> r) {
        String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
        assertThat(csp).as("CSP of %s", what).contains("default-src 'none'").contains("frame-ancestors 'none'")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(csp.replaceAll(".*img-src ([^;]*).*", "$1")).as("only images may be data: URLs").isEqualTo("'self' data:");
        assertThat(r.headers().firstValue("X-Frame-Options")).as("framing of %s", what).hasValue("DENY");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
        assertThat(r.headers().firstValue("Referrer-Policy")).as(what).hasValueSatisfying(v ->
                assertThat(v).isIn("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"));
        assertThat(r.headers().firstValue("Cache-Control")).as("caching of %s", what).hasValueSatisfying(v -> assertThat(v).contains("no-store"));
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/html")) {
            assertThat(r.body()).as("%s under a CSP without inline code", what)
                    .doesNotContain("<script", "<style", "style=\"", "javascript:", "src=\"http", "src=\"//", "href=\"//");
        }
    }

    @Test
    void everyPageAndErrorPageCarriesTheStrictHeaders() {
        AuthzWorld.Citizen a = w.a;
        Map<Persona, List<String>> pages = Map.of(
                w.anonymous, List.of("/", "/services/" + a.service, "/service-status", "/accessibility", "/verify", "/verify/" + a.document,
                        "/sign-in", "/create-account", "/account", "/no-such-page", "/verify/D0000000000000000"),
                w.citizenA, List.of("/account", "/inbox", "/inbox/" + a.letter, "/documents", "/documents/" + a.document,
                        "/documents/" + a.document + "/sealed.txt", "/account/applications/" + a.pending, "/apply/" + a.draft + "/" + a.firstPage,
                        "/apply/" + completeDraft + "/check", "/apply/" + a.sentDraft + "/done", "/account/applications/" + w.b.pending, "/clerk"),
                w.clerkX, List.of("/clerk", "/clerk/applications/" + a.pending, "/clerk/applications/" + w.b.pending, "/account"),
                w.admin, List.of("/admin/staff", "/clerk", "/clerk?institution=" + a.institution),
                w.halfSignedIn, List.of("/sign-in/two-factor", "/clerk"));
        List<Integer> statuses = new ArrayList<>();
        pages.forEach((p, paths) -> {
            for (String path : paths) {
                HttpResponse<String> r = p.browser().get(path);
                statuses.add(r.statusCode());
                strict(p + " GET " + path + " (" + r.statusCode() + ")", r);
            }
        });
        HttpResponse<String> expired = w.citizenA.browser().postExactly("/services/" + a.service + "/start", List.of());
        strict("a form without its token", expired);
        statuses.add(expired.statusCode());
        assertThat(statuses).as("pages, redirects, 403 and 404 are all covered").contains(200, 302, 403, 404);
    }

    @Test
    void theServiceUnavailablePageOfSafeModeCarriesTheStrictHeaders() {
        w.fx.engine.barrier().close("security headers test");
        try {
            HttpResponse<String> r = w.citizenA.browser().post("/services/" + w.a.service + "/start");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            strict("the unavailable page", r);
        } finally {
            w.fx.engine.barrier().open();
        }
    }

    @Test
    void assetsMayBeCachedButStillCannotBeSniffed() {
        for (String css : List.of("/assets/kalaja.css", "/assets/govuk-frontend.min.css")) {
            HttpResponse<String> r = w.anonymous.browser().get(css);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
            assertThat(r.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).doesNotContain("no-store").contains("max-age"));
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().allValues("Set-Cookie")).as("assets set no cookies").isEmpty();
        }
    }

    @Test
    void cookiesAreHttpOnlySameSiteLaxAndSiteWide() {
        AuthzBrowser fresh = w.browser("fresh visitor");
        List<String> set = new ArrayList<>(fresh.get("/sign-in").headers().allValues("Set-Cookie"));
        set.addAll(fresh.post("/sign-in", "email", w.a.account.email(), "password", AuthzWorld.password()).headers().allValues("Set-Cookie"));
        assertThat(set).anySatisfy(c -> assertThat(c).startsWith(SessionFilter.CSRF_COOKIE + "="))
                .anySatisfy(c -> assertThat(c).startsWith(Sessions.COOKIE + "="))
                .allSatisfy(c -> assertThat(c).contains("; Path=/;").contains("HttpOnly").contains("SameSite=Lax")
                        .as("not behind HTTPS in this portal").doesNotContain("Secure"));
    }

    @Test
    void signInStartsANewSessionWhateverCookieTheBrowserHad() {
        AuthzBrowser b = w.signIn("signs in twice", w.a.account.email(), AuthzWorld.password());
        Session first = b.session().orElseThrow();
        String anonymousToken = b.cookie(SessionFilter.CSRF_COOKIE).orElseThrow();
        HttpResponse<String> again = b.post("/sign-in", "email", w.a.account.email(), "password", AuthzWorld.password());
        assertThat(again.statusCode()).isEqualTo(302);
        Session second = w.fx.portal.sessions().decode(setCookie(again, Sessions.COOKIE)).orElseThrow();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(second.csrf()).isNotEqualTo(first.csrf()).isNotEqualTo(anonymousToken);

        // A cookie planted before sign-in (here: another person's valid one) does not survive signing in.
        AuthzBrowser victim = w.browser("victim with a planted cookie");
        victim.setCookie(Sessions.COOKIE, w.citizenB.browser().cookie(Sessions.COOKIE).orElseThrow());
        String planted = w.citizenB.browser().session().orElseThrow().id();
        HttpResponse<String> in = victim.post("/sign-in", "email", w.a.account.email(), "password", AuthzWorld.password());
        assertThat(in.statusCode()).isEqualTo(302);
        Session issued = w.fx.portal.sessions().decode(setCookie(in, Sessions.COOKIE)).orElseThrow();
        assertThat(issued.id()).isNotEqualTo(planted);
        assertThat(issued.accountId()).isEqualTo(w.a.account.id());
    }

    /** The value {@code r} sets for cookie {@code name}, as a browser would store it. */
    private static String setCookie(HttpResponse<String> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " cookie set"));
    }

    @Test
    void aTamperedSessionCookieCountsAsNoCookie() {
        String cookie = w.citizenA.browser().cookie(Sessions.COOKIE).orElseThrow();
        String[] parts = cookie.split("\\.");
        String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String asAdmin = Base64.getUrlEncoder().withoutPadding().encodeToString(
                json.replace("\"role\":\"citizen\"", "\"role\":\"admin\"").getBytes(StandardCharsets.UTF_8));
        char last = parts[2].charAt(parts[2].length() - 1);
        String otherMac = w.citizenB.browser().cookie(Sessions.COOKIE).orElseThrow().split("\\.")[2];
        List<String> forged = List.of(parts[0] + "." + asAdmin + "." + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 1) + (last == 'A' ? 'B' : 'A'),
                parts[0] + "." + parts[1] + "." + otherMac, "v2." + parts[1] + "." + parts[2], parts[0] + "." + parts[1] + ".", "garbage");
        for (String value : forged) {
            AuthzBrowser b = w.browser("forger");
            b.setCookie(Sessions.COOKIE, value);
            for (String path : List.of("/account/applications/" + w.a.pending, "/admin/staff")) {
                HttpResponse<String> r = b.get(path);
                assertThat(r.statusCode()).as("%s with %s", path, value).isEqualTo(302);
                assertThat(AuthzBrowser.location(r)).startsWith("/sign-in?next=");
                assertThat(r.body()).doesNotContain(w.a.markers().toArray(String[]::new));
            }
        }
    }

    /** Every POST route with the form its rightful user would send, but without, or with someone else's, token. */
    @Test
    void everyPostRouteRefusesAMissingOrWrongTokenAndWritesNothing() {
        AuthzWorld.Citizen a = w.a;
        String v = Long.toString(w.version(a, a.pending));
        String va = Long.toString(w.version(a, a.approved));
        String vq = Long.toString(w.version(a, a.asked));
        Map<String, Persona> by = Map.of("anonymous", w.anonymous, "half", w.halfSignedIn, "citizen", w.citizenA, "clerk", w.clerkX,
                "admin", w.admin);
        List<String[]> routes = List.of(
                new String[] {"anonymous", "/sign-in", "email", a.account.email(), "password", AuthzWorld.password()},
                new String[] {"anonymous", "/create-account", "name", "Ilir Doda", "personal-number", "K01020304L", "email", "ilir@example.al",
                        "password", AuthzWorld.password(), "confirm", AuthzWorld.password()},
                new String[] {"anonymous", "/verify/text", "text", "anything"},
                new String[] {"half", "/sign-in/two-factor", "code", "123456"},
                new String[] {"half", "/sign-in/two-factor/set-up", "code", "123456"},
                new String[] {"half", "/sign-in/new-password", "password", "nje fjalekalim i ri", "confirm", "nje fjalekalim i ri"},
                new String[] {"citizen", "/sign-out"},
                new String[] {"citizen", "/services/" + a.service + "/start"},
                new String[] {"citizen", "/apply/" + a.draft + "/" + a.firstPage, "for-whom", "self"},
                new String[] {"citizen", "/apply/" + completeDraft + "/check"},
                new String[] {"citizen", "/apply/" + a.draft + "/delete"},
                new String[] {"citizen", "/account/applications/" + a.asked + "/information", "answer", "Tirana", "version", vq},
                new String[] {"clerk", "/clerk/bulk", "ref", a.pending, "action", "approve"},
                new String[] {"clerk", "/clerk/applications/" + a.pending + "/approve", "version", v},
                new String[] {"clerk", "/clerk/applications/" + a.pending + "/reject", "version", v, "reason", "No"},
                new String[] {"clerk", "/clerk/applications/" + a.pending + "/request-information", "version", v, "question", "Why?"},
                new String[] {"clerk", "/clerk/applications/" + a.approved + "/issue", "version", va},
                new String[] {"admin", "/admin/staff", "name", "Arben Shehu", "email", "arben@akshi.gov.al", "role", "admin"});
        String someoneElses = w.citizenB.browser().csrf();
        for (String[] route : routes) {
            Persona p = by.get(route[0]);
            for (String token : new String[] {null, "", "forged-token-0123456789", someoneElses}) {
                List<Map.Entry<String, String>> form = new ArrayList<>();
                for (int i = 2; i < route.length; i += 2) form.add(Map.entry(route[i], route[i + 1]));
                if (token != null) form.add(Map.entry(SessionFilter.CSRF_FIELD, token));
                long writes = w.watch.admitted.get();
                HttpResponse<String> r = p.browser().postExactly(route[1], form);
                String what = p + " POST " + route[1] + " with token " + token;
                assertThat(r.statusCode()).as(what).isEqualTo(403);
                assertThat(CitizenBrowser.text(r.body())).as(what).contains("This form has expired");
                assertThat(r.headers().allValues("Set-Cookie")).as(what).noneSatisfy(c -> assertThat(c).startsWith(Sessions.COOKIE + "="));
                assertThat(w.watch.admitted.get()).as("writes attempted by " + what).isEqualTo(writes);
                strict(what, r);
            }
        }
        assertThat(w.fx.portal.identity().accounts().byEmail("ilir@example.al")).isEmpty();
        assertThat(w.citizenA.browser().get("/account").statusCode()).as("sign-out without a token signed nobody out").isEqualTo(200);
    }

    @Test
    void signInNeverRedirectsOffTheSite() {
        List<String> evil = List.of("https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
                "/\t/evil.example", "https:evil.example", " //evil.example", "javascript:alert(1)", "http://127.0.0.1.evil.example/");
        for (String next : evil) {
            HttpResponse<String> signedIn = w.citizenA.browser().get("/sign-in?next=" + AuthzBrowser.enc(next));
            assertThat(AuthzBrowser.location(signedIn)).as("signed in, next=%s", next).isEqualTo("/account");
            HttpResponse<String> form = w.anonymous.browser().get("/sign-in?next=" + AuthzBrowser.enc(next));
            assertThat(form.body()).as("the form does not carry next=%s", next).doesNotContain("evil.example", "javascript:");
            AuthzBrowser b = w.browser("follows an evil link");
            HttpResponse<String> in = b.post("/sign-in", "email", w.a.account.email(), "password", AuthzWorld.password(), "next", next);
            assertThat(AuthzBrowser.location(in)).as("sign-in, next=%s", next).isEqualTo("/account");
            HttpResponse<String> code = w.halfSignedIn.browser().get("/sign-in/two-factor?next=" + AuthzBrowser.enc(next));
            assertThat(code.body()).as("the second factor's form does not carry next=%s", next).doesNotContain("evil.example");
        }
        HttpResponse<String> local = w.browser("follows a local link").post("/sign-in", "email", w.a.account.email(), "password",
                AuthzWorld.password(), "next", "/inbox/" + w.a.letter);
        assertThat(AuthzBrowser.location(local)).isEqualTo("/inbox/" + w.a.letter);
    }

    @Test
    void signInIsLimitedPerAccountAndPerAddressAndTheSentinelSeesEveryAttempt(@TempDir Path dir) throws Exception {
        PortalFixture.Recording watch = new PortalFixture.Recording();
        try (PortalFixture f = PortalFixture.open(dir, watch, null)) {
            String base = f.serve();
            f.portal.identity().accounts().registerCitizen(CitizenBrowser.REQUEST, "Arta Zenelaj", "J90412033K", "arta@example.al",
                    AuthzWorld.password());
            AuthzBrowser guesser = new AuthzBrowser("guesser", base, f.portal.sessions());
            for (int i = 1; i <= SignInLimiter.PER_ACCOUNT; i++) {
                assertThat(guesser.post("/sign-in", "email", "arta@example.al", "password", "guess number " + i).statusCode()).isEqualTo(400);
            }
            HttpResponse<String> limited = guesser.post("/sign-in", "email", "arta@example.al", "password", AuthzWorld.password());
            assertThat(limited.statusCode()).as("even the right password waits").isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After").map(Long::parseLong)).hasValueSatisfying(s -> assertThat(s).isPositive());
            assertThat(limited.headers().allValues("Set-Cookie")).noneSatisfy(c -> assertThat(c).startsWith(Sessions.COOKIE + "="));
            strict("the too-many-attempts page", limited);

            List<AuditEvent> auth = watch.events.stream().filter(e -> e.action() == Action.AUTH_FAILURE).toList();
            assertThat(auth).extracting(AuditEvent::reason).containsExactly("bad_password", "bad_password", "bad_password", "bad_password",
                    "bad_password", "rate_limited");
            assertThat(auth).allSatisfy(e -> {
                assertThat(e.address()).isEqualTo("127.0.0.1");
                // The login is named by its email's pseudonym: events leave the node, the email must not.
                assertThat(e.extra()).containsEntry("user.name", f.records().pseudonym("email", "arta@example.al"));
                assertThat(e.toString()).doesNotContain("guess number", AuthzWorld.password(), "arta@example.al", "Arta Zenelaj");
            });

            // Other emails from the same address: the address's limit comes after PER_ADDRESS failures in all.
            for (int i = SignInLimiter.PER_ACCOUNT; i < SignInLimiter.PER_ADDRESS; i++) {
                assertThat(guesser.post("/sign-in", "email", "nobody" + i + "@example.al", "password", "guess").statusCode()).isEqualTo(400);
            }
            assertThat(guesser.post("/sign-in", "email", "someone.new@example.al", "password", "guess").statusCode()).isEqualTo(429);
            assertThat(watch.events.stream().filter(e -> e.action() == Action.AUTH_FAILURE).map(AuditEvent::reason).toList())
                    .endsWith("unknown_account", "rate_limited");
        }
    }

    @Test
    void behindHttpsEveryCookieIsAlsoSecure(@TempDir Path dir) throws Exception {
        try (PortalFixture f = PortalFixture.open(dir)) {
            f.portal.identity().accounts().registerCitizen(CitizenBrowser.REQUEST, "Arta Zenelaj", "J90412033K", "arta@example.al",
                    AuthzWorld.password());
            Portal https = Portal.open(new PortalConfig(dir.resolve("https"), null, URI.create("https://e-services.example.al/"), null, true),
                    f.engine, f.log, PortalWatch.NONE, new PortalFixture.NothingCosigned(f.log.vkey()), Clock.systemUTC());
            Javalin app = Javalin.create(c -> {
                c.showJavalinBanner = false;
                c.startupWatcherEnabled = false;
            });
            app.before(ctx -> PortalWeb.securityHeaders(ctx));
            https.register(app);
            app.start("127.0.0.1", 0);
            try {
                // The cookie jar would keep Secure cookies off plain HTTP, so this browser is told the token.
                AuthzBrowser b = new AuthzBrowser("behind https", "http://127.0.0.1:" + app.port(), https.sessions());
                List<String> set = new ArrayList<>(b.get("/sign-in").headers().allValues("Set-Cookie"));
                String token = set.getFirst().replaceAll("^" + SessionFilter.CSRF_COOKIE + "=([^;]*);.*", "$1");
                b.setCookie(SessionFilter.CSRF_COOKIE, token);
                HttpResponse<String> in = b.postExactly("/sign-in", List.of(Map.entry("email", "arta@example.al"),
                        Map.entry("password", AuthzWorld.password()), Map.entry(SessionFilter.CSRF_FIELD, token)));
                assertThat(in.statusCode()).isEqualTo(302);
                set.addAll(in.headers().allValues("Set-Cookie"));
                assertThat(set).anySatisfy(c -> assertThat(c).startsWith(Sessions.COOKIE + "="))
                        .allSatisfy(c -> assertThat(c).contains("; Secure").contains("HttpOnly").contains("SameSite=Lax"));
            } finally {
                app.stop();
            }
        }
    }
}
