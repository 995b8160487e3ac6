package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kalaja.portal.identity.Account;
import org.kalaja.portal.identity.Session;
import org.kalaja.portal.identity.Sessions;
import org.kalaja.portal.identity.Totp;
import org.kalaja.portal.store.PortalException;
import org.kalaja.portal.store.Who;
import org.kalaja.portal.web.AuthzRoutes.Expect;
import org.kalaja.portal.web.AuthzRoutes.Route;
import org.kalaja.portal.web.AuthzRoutes.Thing;
import org.kalaja.portal.web.AuthzWorld.Citizen;
import org.kalaja.portal.web.AuthzWorld.Kind;
import org.kalaja.portal.web.AuthzWorld.Persona;

/**
 * Who may see and do what, over real HTTP: seven kinds of person against every citizen, document,
 * back-office and admin route, over A's and B's things. The owner gets the page (a POST on a thing made
 * for that case, so the shared things stay as they were); anyone else gets 404, 403 or a redirect to
 * sign-in, never a byte of the thing's data, and no write is even attempted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {
    private static final AtomicInteger UNIQUE = new AtomicInteger();
    AuthzWorld w;

    @BeforeAll
    void build(@TempDir Path dir) throws Exception {
        w = new AuthzWorld(dir);
    }

    @AfterAll
    void close() {
        w.close();
    }

    /** One cell: {@code who} asks {@code route} about {@code owner}'s thing (null: a route over none). */
    record Case(Persona who, Route route, @Nullable Citizen owner) {
        @Override
        public String toString() {
            Expect e = AuthzRoutes.expect(who, route, owner, "", "");
            String where = e.location() == null ? "" : " " + e.location().replaceAll("[?].*", "");
            return who + " → " + route.display(owner) + " → " + e.status() + where;
        }
    }

    Stream<Case> matrix() {
        List<Case> out = new ArrayList<>();
        for (Route r : AuthzRoutes.ALL) {
            for (Persona p : w.personas()) {
                if (r.thing() == Thing.NONE) out.add(new Case(p, r, null));
                else for (Citizen c : List.of(w.a, w.b)) out.add(new Case(p, r, c));
            }
        }
        return out.stream();
    }

    @Test
    void matrixCoversEveryPersonaAndRouteAndTheirThingsAreRecognisable() {
        assertThat(matrix().count()).isEqualTo(AuthzRoutes.ALL.stream().mapToLong(r -> r.thing() == Thing.NONE ? 7 : 14).sum());
        for (Citizen c : List.of(w.a, w.b)) assertThat(c.markers()).allSatisfy(m -> assertThat(m).isNotBlank());
        assertThat(matrix().map(Case::toString)).contains("clerk of Y → GET /clerk/applications/{A's ref} → 404",
                "citizen B → GET /documents/{A's document}/sealed.txt → 404", "anonymous → GET /inbox/{B's letter} → 302 /sign-in",
                "half-signed-in staff → GET /clerk → 302 /sign-in/two-factor".replace("/clerk", AuthzRoutes.QUEUE),
                "clerk of X → POST /clerk/applications/{A's ref}/approve?institution=X → 303 /clerk/applications/");
    }

    @Test
    void clerkCannotNameAnotherInstitutionInThePathFormOrQuery() {
        Citizen a = w.a;
        long before = w.version(a, a.pending);
        long writes = w.watch.admitted.get();
        AuthzBrowser y = w.clerkY.browser();
        for (String path : List.of(AuthzWorld.X + ":" + a.pending, AuthzWorld.X + "%3A" + a.pending, a.pending.toLowerCase(),
                "..%2F" + AuthzWorld.X + "%3A" + a.pending, a.pending + "?institution=" + AuthzWorld.X)) {
            HttpResponse<String> r = y.get("/clerk/applications/" + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).doesNotContain(a.markers().toArray(String[]::new));
        }
        List<Map.Entry<String, String>> form = List.of(Map.entry("version", Long.toString(before)), Map.entry("note", ""),
                Map.entry("institution", AuthzWorld.X), Map.entry("inst", AuthzWorld.X));
        assertThat(y.post("/clerk/applications/" + a.pending + "/approve", form).statusCode()).isEqualTo(404);
        assertThat(y.post("/clerk/applications/" + a.pending + "/approve?institution=" + AuthzWorld.X + "&inst=" + AuthzWorld.X, form)
                .statusCode()).isEqualTo(404);
        HttpResponse<String> bulk = y.post("/clerk/bulk?institution=" + AuthzWorld.X, List.of(Map.entry("ref", a.pending),
                Map.entry("ref", AuthzWorld.X + ":" + a.pending), Map.entry("action", "approve"), Map.entry("institution", AuthzWorld.X)));
        assertThat(CitizenBrowser.text(bulk.body())).contains("0 of 2 applications");
        assertThat(bulk.body()).doesNotContain(a.account.name(), a.account.personalNumber(), a.answerMarker);
        HttpResponse<String> queue = y.get("/clerk?status=all&institution=" + AuthzWorld.X + "&service=" + a.service);
        assertThat(queue.body()).doesNotContain(a.markers().toArray(String[]::new));
        assertThat(w.watch.admitted.get()).isEqualTo(writes);
        assertThat(w.version(a, a.pending)).isEqualTo(before);
    }

    @Test
    void halfSignedInStaffReachesNothingButTheTwoFactorPage() {
        AuthzBrowser half = w.signIn("half again", "mira.gjoka@gjendjecivile.gov.al", AuthzWorld.password());
        String halfCookie = half.cookie(Sessions.COOKIE).orElseThrow();
        HttpResponse<String> code = half.get("/sign-in/two-factor");
        assertThat(code.statusCode()).isEqualTo(200);
        assertThat(code.body()).doesNotContain(w.markersExcept(List.of()).toArray(String[]::new));
        for (String other : List.of("/sign-in/new-password", "/sign-in/two-factor/set-up")) {
            assertThat(AuthzBrowser.location(half.get(other))).as(other).isEqualTo("/sign-in/two-factor");
        }
        for (String page : List.of("/clerk", "/admin/staff", "/account", "/documents", "/inbox")) {
            assertThat(AuthzBrowser.location(half.get(page))).as(page).startsWith("/sign-in/two-factor?next=");
        }
        assertThat(half.post("/sign-in/two-factor", "code", "000000").statusCode()).isEqualTo(400);

        long step = Instant.now().getEpochSecond() / Totp.STEP_SECONDS + 1;
        HttpResponse<String> in = half.post("/sign-in/two-factor", "code", Totp.code(w.halfSecret, step));
        assertThat(AuthzBrowser.location(in)).isEqualTo("/clerk");
        Session full = half.session().orElseThrow();
        assertThat(full.verified()).isTrue();
        assertThat(half.get("/clerk").statusCode()).isEqualTo(200);
        // The half-signed-in cookie was replaced at the second factor: replayed, it is worth nothing.
        AuthzBrowser replay = w.browser("replayed half cookie");
        replay.setCookie(Sessions.COOKIE, halfCookie);
        assertThat(replay.session()).isEmpty();
        assertThat(AuthzBrowser.location(replay.get("/sign-in/two-factor"))).isEqualTo("/sign-in");
    }

    @Test
    void signOutEndsTheSessionAndItsCookieNoLongerWorks() {
        AuthzBrowser a = w.signIn("citizen A again", w.a.account.email(), AuthzWorld.password());
        String cookie = a.cookie(Sessions.COOKIE).orElseThrow();
        String csrf = a.csrf();
        assertThat(a.get("/account/applications/" + w.a.pending).statusCode()).isEqualTo(200);

        HttpResponse<String> out = a.post("/sign-out");
        assertThat(AuthzBrowser.location(out)).isEqualTo("/sign-in");
        assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith(Sessions.COOKIE + "=;").contains("Max-Age=0"));
        assertThat(AuthzBrowser.location(a.get("/account"))).startsWith("/sign-in");

        AuthzBrowser thief = w.browser("stolen cookie after sign-out");
        thief.setCookie(Sessions.COOKIE, cookie);
        HttpResponse<String> read = thief.get("/account/applications/" + w.a.pending);
        assertThat(read.statusCode()).isEqualTo(302);
        assertThat(read.body()).doesNotContain(w.a.markers().toArray(String[]::new));
        long writes = w.watch.admitted.get();
        HttpResponse<String> write = thief.postExactly("/account/applications/" + w.a.asked + "/information",
                List.of(Map.entry("answer", "x"), Map.entry("version", "1"), Map.entry(SessionFilter.CSRF_FIELD, csrf)));
        assertThat(write.statusCode()).isIn(302, 403);
        assertThat(w.watch.admitted.get()).isEqualTo(writes);
        // The person's other session (the matrix's citizen A) is not signed out by this one.
        assertThat(w.citizenA.browser().get("/account").statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void personaGetsWhatTheMatrixSays(Case c) {
        Route r = c.route();
        Citizen owner = c.owner();
        Expect preview = AuthzRoutes.expect(c.who(), r, owner, "", "");
        // The owner's POST changes its thing: it gets a thing of its own, so the shared ones stay as they were.
        boolean fresh = preview.allowed() && r.post() && owner != null;
        String id = owner == null ? "" : fresh ? freshThing(r.thing(), owner) : sharedThing(r.thing(), owner);
        String path = r.path(owner, id);
        String collection = r.thing().collection();
        String key = owner == null || collection == null ? "" : r.thing().key(owner, id);
        long before = collection == null ? -1 : w.version(collection, key);
        String unique = "staff" + UNIQUE.incrementAndGet();
        Expect expected = AuthzRoutes.expect(c.who(), r, owner, path, id);
        long writes = w.watch.admitted.get();

        HttpResponse<String> res = r.post() ? c.who().browser().post(path, AuthzRoutes.form(r, owner, id, Math.max(before, 0), unique))
                : c.who().browser().get(path);

        String got = res.statusCode() + (res.statusCode() / 100 == 3 ? " " + AuthzBrowser.location(res) : "");
        assertThat(res.statusCode()).as("%s got %s, expected %s\n%s", c, got, expected,
                CitizenBrowser.text(res.body())).isEqualTo(expected.status());
        if (expected.location() != null) assertThat(AuthzBrowser.location(res)).startsWith(expected.location());
        assertThat(res.body()).as("data of people %s may not see", c.who()).doesNotContain(forbidden(c, expected, id));
        if (expected.allowed()) {
            allowed(c, res, id, key, before, writes);
        } else {
            assertThat(w.watch.admitted.get()).as("writes attempted").isEqualTo(writes);
            if (collection != null) assertThat(w.version(collection, key)).as("version of the thing").isEqualTo(before);
            if (r.template().equals("/admin/staff") && r.post()) {
                assertThat(w.fx.portal.identity().accounts().byEmail(unique + "@gjendjecivile.gov.al")).isEmpty();
            }
            if (r.bulk() && expected.status() == 200) assertThat(CitizenBrowser.text(res.body())).contains("0 of 1 application");
        }
    }

    /**
     * Local registration takes the personal number on the person's word, so a provider sign-in vouching for
     * that number MUST NOT reach the account that merely typed it: whoever registered first with someone
     * else's number would receive that person's provider sign-ins and read what they do with the password.
     * (Found by this matrix; fixed in Accounts.forSubject.)
     */
    @Test
    void personalNumberTypedAtRegistrationDoesNotCaptureTheRealPersonsProviderSignIn() {
        AuthzBrowser squatter = w.browser("squatter");
        String pw = AuthzWorld.password();
        HttpResponse<String> made = squatter.post("/create-account", "name", "Drita Basha", "personal-number", "K90512345B",
                "email", "squatter@example.net", "password", pw, "confirm", pw);
        assertThat(made.statusCode()).isEqualTo(302);
        Account theirs = w.fx.portal.identity().accounts().byEmail("squatter@example.net").orElseThrow();

        // What /sign-in/oidc/callback does once the provider's ID token for the real Drita Basha is checked.
        Who request = new Who("anonymous", "", "", "127.0.0.1", "authz");
        Optional<Account> hers;
        try {
            hers = Optional.of(w.fx.portal.identity().accounts().forSubject(request, "eid:drita", "K90512345B", "Drita Basha", "drita@example.al"));
        } catch (PortalException refused) {
            hers = Optional.empty();
        }
        if (hers.isEmpty()) return;
        AuthzBrowser drita = w.browser("Drita with the identity provider");
        drita.setCookie(Sessions.COOKIE, w.fx.portal.sessions().encode(
                w.fx.portal.identity().signIn().trusted(request, hers.get(), "oidc").session()));
        HttpResponse<String> started = drita.post("/services/birth-certificate/start");
        assertThat(started.statusCode()).isEqualTo(303);
        String herDraft = AuthzBrowser.location(started).split("/")[2];

        assertThat(squatter.get("/account").body()).as("the squatter reads Drita's application").doesNotContain(herDraft);
        assertThat(hers.get().id()).as("Drita's provider sign-in reaches the squatter's account").isNotEqualTo(theirs.id());
    }

    /** What the owner's response must show, and that its POST really wrote. */
    private void allowed(Case c, HttpResponse<String> res, String id, String key, long before, long writes) {
        Route r = c.route();
        Citizen visible = visibleOn(c);
        if (res.statusCode() == 200 && visible != null && !r.post()) {
            String mark = r.thing() == Thing.NONE ? listMarker(r, visible) : id;
            if (r.thing() == Thing.LETTER) mark = visible.issued;
            if (r.thing() == Thing.SENT_DRAFT) mark = visible.pending;
            assertThat(res.body()).as("the owner sees their thing").contains(mark);
        }
        if (r.post()) {
            assertThat(w.watch.admitted.get()).as("the owner's action wrote").isGreaterThan(writes);
            if (c.owner() != null && r.thing().collection() != null) {
                assertThat(w.version(r.thing().collection(), key)).as("the thing changed").isNotEqualTo(before);
            }
        }
        if (r.bulk()) assertThat(CitizenBrowser.text(res.body())).contains("1 of 1 application approved");
    }

    private static String listMarker(Route r, Citizen c) {
        return switch (r.template()) {
            case "/inbox" -> "/inbox/" + c.letter;
            case "/documents" -> c.document;
            default -> c.pending;
        };
    }

    /** Whose data the response may show: the thing's owner when allowed, else the person's own. */
    private @Nullable Citizen visibleOn(Case c) {
        Persona p = c.who();
        if (c.owner() != null) return AuthzRoutes.expect(p, c.route(), c.owner(), "", "").allowed() ? c.owner() : p.citizen();
        if (p.kind() == Kind.CITIZEN) return p.citizen();
        if (c.route().template().equals(AuthzRoutes.QUEUE)) {
            if (p.kind() == Kind.ADMIN) return w.a;
            if (p.kind() == Kind.CLERK) return AuthzWorld.X.equals(p.institution()) ? w.a : w.b;
        }
        return null;
    }

    private String[] forbidden(Case c, Expect expected, String id) {
        Citizen visible = visibleOn(c);
        List<String> out = new ArrayList<>(w.markersExcept(visible == null ? List.of() : List.of(visible)));
        // A clerk's own list of the references they ticked is an echo, not a leak; everything else about them is.
        if (c.route().bulk() && !expected.allowed()) out.remove(id);
        return out.toArray(String[]::new);
    }

    private String sharedThing(Thing t, Citizen c) {
        return switch (t) {
            case NONE -> "";
            case DRAFT, COMPLETE_DRAFT -> c.draft;
            case SENT_DRAFT -> c.sentDraft;
            case SUBMITTED -> c.pending;
            case ASKED -> c.asked;
            case APPROVED -> c.approved;
            case LETTER -> c.letter;
            case DOCUMENT -> c.document;
        };
    }

    private String freshThing(Thing t, Citizen c) {
        Persona p = w.owner(c);
        return switch (t) {
            case DRAFT -> w.startDraft(p);
            case COMPLETE_DRAFT -> w.completeDraft(p);
            case SUBMITTED -> w.submittedApplication(p);
            case ASKED -> w.askedApplication(p);
            case APPROVED -> w.approvedApplication(p);
            default -> throw new IllegalArgumentException("no POST acts on a " + t);
        };
    }
}
