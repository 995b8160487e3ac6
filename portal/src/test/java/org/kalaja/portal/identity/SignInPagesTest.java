package org.kalaja.portal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.store.Who;

/** The sign-in pages over real HTTP against a real engine: what a citizen's or a clerk's browser sees. */
class SignInPagesTest {
    static final String PASSWORD = "lumturi ne mengjes";
    @TempDir
    Path dir;
    PortalFixture fixture;
    String base;

    @BeforeEach
    void start() throws Exception {
        fixture = PortalFixture.open(dir);
        base = fixture.serve();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    Accounts accounts() {
        return fixture.portal.identity().accounts();
    }

    static Map<String, String> citizen(String email) {
        return Map.of("name", "Ana Kola", "personal-number", "J00101001A", "email", email, "password", PASSWORD, "confirm", PASSWORD);
    }

    @Test
    void registeredCitizenIsSignedInAndCanSignInAgain() throws Exception {
        Browser b = new Browser(base);
        HttpResponse<String> created = b.submit("/create-account", "/create-account", citizen("Ana.Kola+eservices@example.al"));
        assertThat(created.statusCode()).isEqualTo(302);
        assertThat(Browser.location(created)).isEqualTo("/account");
        assertThat(b.get("/documents").statusCode()).isEqualTo(200);

        Account a = accounts().byEmail("ana.kola+eservices@example.al").orElseThrow();
        assertThat(a.personalNumber()).isEqualTo("J00101001A");
        assertThat(a.passwordHash()).startsWith("$argon2id$").doesNotContain(PASSWORD);

        Browser other = new Browser(base);
        assertThat(Browser.location(other.get("/documents"))).isEqualTo("/sign-in?next=%2Fdocuments");
        HttpResponse<String> in = other.submit("/sign-in?next=%2Fdocuments", "/sign-in",
                Map.of("email", "ANA.KOLA+eservices@example.al", "password", PASSWORD, "next", "/documents"));
        assertThat(Browser.location(in)).isEqualTo("/documents");
        assertThat(other.get("/documents").statusCode()).isEqualTo(200);
        assertThat(other.cookie(Sessions.COOKIE)).isNotEqualTo(b.cookie(Sessions.COOKIE));
    }

    @Test
    void secondAccountWithSameEmailOrPersonalNumberIsRefusedOnTheForm() throws Exception {
        new Browser(base).submit("/create-account", "/create-account", citizen("ana@example.al"));
        HttpResponse<String> again = new Browser(base).submit("/create-account", "/create-account", citizen("ana@example.al"));
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("Error: Create an account").contains("href=\"#email\"").contains("already uses this email");
        Map<String, String> sameNumber = new java.util.HashMap<>(citizen("other@example.al"));
        HttpResponse<String> number = new Browser(base).submit("/create-account", "/create-account", sameNumber);
        assertThat(number.body()).contains("href=\"#personal-number\"");
        assertThat(accounts().byEmail("other@example.al")).isEmpty();
    }

    @Test
    void invalidFormShowsErrorSummaryLinkedToFields() throws Exception {
        HttpResponse<String> r = new Browser(base).submit("/create-account", "/create-account",
                Map.of("name", "", "personal-number", "12345", "email", "not-an-email", "password", "short", "confirm", "other"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("<title>Error: ").contains("href=\"#name\"").contains("href=\"#personal-number\"")
                .contains("href=\"#email\"").contains("href=\"#password\"").contains("aria-describedby=\"personal-number-hint personal-number-error\"");
    }

    @Test
    void wrongPasswordGivesGenericErrorAndSixthAttemptIsTooMany() throws Exception {
        new Browser(base).submit("/create-account", "/create-account", citizen("ana@example.al"));
        Browser b = new Browser(base);
        for (int i = 0; i < SignInLimiter.PER_ACCOUNT; i++) {
            HttpResponse<String> r = b.submit("/sign-in", "/sign-in", Map.of("email", "ana@example.al", "password", "wrong password " + i));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("Enter a correct email address and password");
        }
        HttpResponse<String> unknown = b.submit("/sign-in", "/sign-in", Map.of("email", "nobody@example.al", "password", "wrong password"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("Enter a correct email address and password");

        HttpResponse<String> sixth = b.submit("/sign-in", "/sign-in", Map.of("email", "ana@example.al", "password", PASSWORD));
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.body()).contains("Too many attempts. Try again in 15 minutes");
        assertThat(sixth.headers().firstValue("Retry-After")).isPresent();
        assertThat(b.cookie(Sessions.COOKIE)).isEmpty();
    }

    @Test
    void postWithoutOrWithWrongCsrfTokenIsRefusedAndWritesNothing() throws Exception {
        Browser b = new Browser(base);
        b.get("/create-account");
        long size = fixture.engine.size();
        HttpResponse<String> none = b.post("/create-account", citizen("ana@example.al"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("This form has expired – go back and try again");
        Map<String, String> wrong = new java.util.HashMap<>(citizen("ana@example.al"));
        wrong.put("_csrf", "AAAAAAAAAAAAAAAAAAAAAA");
        assertThat(b.post("/create-account", wrong).statusCode()).isEqualTo(403);
        // A token from another visitor's cookie is worthless here.
        Browser attacker = new Browser(base);
        attacker.get("/sign-in");
        wrong.put("_csrf", attacker.cookie("kalaja_csrf").orElseThrow());
        assertThat(b.post("/create-account", wrong).statusCode()).isEqualTo(403);
        assertThat(fixture.engine.size()).isEqualTo(size);
        assertThat(accounts().byEmail("ana@example.al")).isEmpty();
    }

    @Test
    void tamperedSessionCookieCountsAsAnonymous() throws Exception {
        Browser b = new Browser(base);
        b.submit("/create-account", "/create-account", citizen("ana@example.al"));
        String cookie = b.cookie(Sessions.COOKIE).orElseThrow();
        String[] parts = cookie.split("\\.");
        String json = new String(java.util.Base64.getUrlDecoder().decode(parts[1])).replace("\"citizen\"", "\"admin\"");
        b.setCookie(Sessions.COOKIE, parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes()) + "." + parts[2]);
        assertThat(Browser.location(b.get("/admin/staff"))).startsWith("/sign-in");
        assertThat(Browser.location(b.get("/documents"))).startsWith("/sign-in");
    }

    @Test
    void expiredSessionCountsAsAnonymous() throws Exception {
        Sessions sessions = fixture.portal.sessions();
        Instant now = Instant.now();
        Session old = new Session("old-session-id", "a-0000000000000001", "citizen", null, "Ana", true, "tok",
                now.minusSeconds(3600), now.minusSeconds(60));
        Browser b = new Browser(base);
        b.get("/sign-in");
        b.setCookie(Sessions.COOKIE, sessions.encode(old));
        assertThat(Browser.location(b.get("/documents"))).isEqualTo("/sign-in?next=%2Fdocuments");
    }

    @Test
    void signOutRevokesTheSessionEvenIfTheCookieIsReplayed() throws Exception {
        Browser b = new Browser(base);
        b.submit("/create-account", "/create-account", citizen("ana@example.al"));
        String cookie = b.cookie(Sessions.COOKIE).orElseThrow();
        HttpResponse<String> out = b.submit("/documents", "/sign-out", Map.of());
        assertThat(Browser.location(out)).isEqualTo("/sign-in");
        assertThat(out.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("kalaja_session=;").contains("Max-Age=0"));
        Browser thief = new Browser(base);
        thief.get("/sign-in");
        thief.setCookie(Sessions.COOKIE, cookie);
        assertThat(Browser.location(thief.get("/documents"))).startsWith("/sign-in");
    }

    @Test
    void sessionCookieIsHttpOnlyAndLax() throws Exception {
        Browser b = new Browser(base);
        HttpResponse<String> r = b.submit("/create-account", "/create-account", citizen("ana@example.al"));
        assertThat(r.headers().allValues("Set-Cookie")).filteredOn(c -> c.startsWith("kalaja_session="))
                .singleElement().satisfies(c -> assertThat(c).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/"));
    }

    @Test
    void signInWorksWhileTheEngineIsInSafeModeButCreatingAnAccountDoesNot() throws Exception {
        new Browser(base).submit("/create-account", "/create-account", citizen("ana@example.al"));
        fixture.engine.barrier().close("test");
        Browser b = new Browser(base);
        HttpResponse<String> in = b.submit("/sign-in", "/sign-in", Map.of("email", "ana@example.al", "password", PASSWORD));
        assertThat(Browser.location(in)).isEqualTo("/account");
        assertThat(b.get("/documents").statusCode()).isEqualTo(200);

        Browser newcomer = new Browser(base);
        assertThat(newcomer.get("/create-account").statusCode()).isEqualTo(503);
        HttpResponse<String> refused = newcomer.submit("/sign-in", "/create-account", citizen("besa@example.al"));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("Sorry, the service is unavailable");
    }

    @Test
    void nextMustBeALocalPath() throws Exception {
        new Browser(base).submit("/create-account", "/create-account", citizen("ana@example.al"));
        for (String evil : new String[] {"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"}) {
            Browser b = new Browser(base);
            HttpResponse<String> in = b.submit("/sign-in", "/sign-in", Map.of("email", "ana@example.al", "password", PASSWORD, "next", evil));
            assertThat(Browser.location(in)).isEqualTo("/account");
        }
    }

    @Test
    void clerkMustChoosePasswordEnrolTotpThenPresentACodeEachSignIn() throws Exception {
        Accounts.NewStaff made = accounts().createStaff(Who.SYSTEM, Account.CLERK, "civil-registry", "Besa Dervishi", "besa@registry.gov.al");
        Browser b = new Browser(base);
        HttpResponse<String> in = b.submit("/sign-in", "/sign-in", Map.of("email", "besa@registry.gov.al", "password", made.oneTimePassword()));
        assertThat(Browser.location(in)).isEqualTo("/sign-in/new-password");
        // Not verified yet: staff pages send the clerk back to finish signing in.
        assertThat(Browser.location(b.get("/admin/staff"))).isEqualTo("/sign-in/two-factor?next=%2Fadmin%2Fstaff");
        assertThat(Browser.location(b.get("/documents"))).startsWith("/sign-in/two-factor");
        assertThat(Browser.location(b.get("/sign-in/two-factor"))).isEqualTo("/sign-in/new-password");

        String own = "tre zogj ne dritare";
        HttpResponse<String> pw = b.submit("/sign-in/new-password", "/sign-in/new-password", Map.of("password", own, "confirm", own));
        assertThat(Browser.location(pw)).isEqualTo("/sign-in/two-factor/set-up");
        HttpResponse<String> setUp = b.get("/sign-in/two-factor/set-up");
        assertThat(setUp.body()).contains("src=\"data:image/svg+xml;base64,");
        byte[] secret = secretOn(setUp.body());
        long step = Instant.now().getEpochSecond() / Totp.STEP_SECONDS;
        HttpResponse<String> wrongCode = b.submit("/sign-in/two-factor/set-up", "/sign-in/two-factor/set-up", Map.of("code", "000000"));
        assertThat(wrongCode.statusCode()).isEqualTo(400);
        HttpResponse<String> enrolled = b.submit("/sign-in/two-factor/set-up", "/sign-in/two-factor/set-up",
                Map.of("code", Totp.code(secret, step)));
        assertThat(Browser.location(enrolled)).isEqualTo("/clerk");
        // Verified clerk: the admin page is refused for the role, not for missing sign-in.
        assertThat(b.get("/admin/staff").statusCode()).isEqualTo(403);
        assertThat(accounts().byEmail("besa@registry.gov.al").orElseThrow().mustChangePassword()).isFalse();

        Browser next = new Browser(base);
        HttpResponse<String> again = next.submit("/sign-in", "/sign-in", Map.of("email", "besa@registry.gov.al", "password", own));
        assertThat(Browser.location(again)).isEqualTo("/sign-in/two-factor");
        // The code just used at enrolment cannot be replayed.
        HttpResponse<String> replay = next.submit("/sign-in/two-factor", "/sign-in/two-factor", Map.of("code", Totp.code(secret, step)));
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("href=\"#code\"");
        HttpResponse<String> ok = next.submit("/sign-in/two-factor", "/sign-in/two-factor", Map.of("code", Totp.code(secret, step + 1)));
        assertThat(Browser.location(ok)).isEqualTo("/clerk");
        // The one-time password is spent.
        HttpResponse<String> oneTime = new Browser(base).submit("/sign-in", "/sign-in",
                Map.of("email", "besa@registry.gov.al", "password", made.oneTimePassword()));
        assertThat(oneTime.statusCode()).isEqualTo(400);
    }

    @Test
    void adminAddsStaffAndSeesTheOneTimePasswordOnce() throws Exception {
        Accounts.NewStaff root = accounts().createStaff(Who.SYSTEM, Account.ADMIN, null, "Root Admin", "root@akshi.gov.al");
        Browser b = signInStaff("root@akshi.gov.al", root.oneTimePassword());
        HttpResponse<String> list = b.get("/admin/staff");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).contains("root@akshi.gov.al");
        HttpResponse<String> made = b.submit("/admin/staff", "/admin/staff",
                Map.of("name", "Dita Leka", "email", "dita@akshi.gov.al", "role", "admin"));
        assertThat(made.statusCode()).isEqualTo(200);
        Matcher m = Pattern.compile("kalaja-one-time-password\">([^<]+)<").matcher(made.body());
        assertThat(m.find()).isTrue();
        assertThat(accounts().byEmail("dita@akshi.gov.al").orElseThrow().passwordHash()).doesNotContain(m.group(1));
        assertThat(b.get("/admin/staff").body()).contains("dita@akshi.gov.al").doesNotContain(m.group(1));
        HttpResponse<String> first = new Browser(base).submit("/sign-in", "/sign-in", Map.of("email", "dita@akshi.gov.al", "password", m.group(1)));
        assertThat(Browser.location(first)).isEqualTo("/sign-in/new-password");
        HttpResponse<String> clerkWithoutInstitution = b.submit("/admin/staff", "/admin/staff",
                Map.of("name", "Eri", "email", "eri@akshi.gov.al", "role", "clerk"));
        assertThat(clerkWithoutInstitution.statusCode()).isEqualTo(400);
        assertThat(clerkWithoutInstitution.body()).contains("href=\"#institution\"");
    }

    @Test
    void citizenCannotOpenStaffPages() throws Exception {
        Browser b = new Browser(base);
        b.submit("/create-account", "/create-account", citizen("ana@example.al"));
        HttpResponse<String> r = b.get("/admin/staff");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).doesNotContain("Staff accounts");
    }

    /** Signs a staff member in through every first-time step, as their browser would. */
    Browser signInStaff(String email, String oneTime) throws Exception {
        Browser b = new Browser(base);
        b.submit("/sign-in", "/sign-in", Map.of("email", email, "password", oneTime));
        String own = "nje fjalekalim i gjate";
        b.submit("/sign-in/new-password", "/sign-in/new-password", Map.of("password", own, "confirm", own));
        byte[] secret = secretOn(b.get("/sign-in/two-factor/set-up").body());
        long step = Instant.now().getEpochSecond() / Totp.STEP_SECONDS;
        HttpResponse<String> r = b.submit("/sign-in/two-factor/set-up", "/sign-in/two-factor/set-up", Map.of("code", Totp.code(secret, step)));
        assertThat(r.statusCode()).isEqualTo(302);
        return b;
    }

    static byte[] secretOn(String page) {
        Matcher m = Pattern.compile("kalaja-totp-secret\">([A-Z2-7 ]+)<").matcher(page);
        assertThat(m.find()).as("the set-up page shows the key").isTrue();
        return Totp.fromBase32(m.group(1)).orElseThrow();
    }
}
