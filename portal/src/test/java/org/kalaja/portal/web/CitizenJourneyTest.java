package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.portal.web.CitizenBrowser.location;
import static org.kalaja.portal.web.CitizenBrowser.text;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.References;
import org.kalaja.portal.cases.Status;

/** A citizen applies for a birth certificate from the built-in catalogue, over real HTTP. */
class CitizenJourneyTest {
    private static final Pattern DRAFT_PAGE = Pattern.compile("/apply/([0-9a-z]{12})/([a-z0-9-]+)");

    @TempDir
    Path dir;
    PortalFixture fx;
    String base;
    CitizenBrowser ana;
    Drafts drafts;
    Applications applications;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        base = fx.serve();
        ana = CitizenBrowser.signIn(fx, base, "Ana Hoxha", "J85117101S", "ana@example.al");
        drafts = new Drafts(fx.records());
        applications = new Applications(fx.records(), drafts, fx.portal.catalogue()::service);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    /** Starts the birth certificate; returns the draft id after checking it lands on the first question. */
    private String start() {
        HttpResponse<String> started = ana.post("/services/birth-certificate/start");
        assertThat(started.statusCode()).isEqualTo(303);
        Matcher m = DRAFT_PAGE.matcher(location(started));
        assertThat(m.matches()).isTrue();
        assertThat(m.group(2)).isEqualTo("for-whom");
        return m.group(1);
    }

    private void answer(String draft, String page, String expectedNext, String... nameValues) {
        HttpResponse<String> r = ana.post("/apply/" + draft + "/" + page, nameValues);
        assertThat(r.statusCode()).as(page + ": " + text(r.body())).isEqualTo(303);
        assertThat(location(r)).isEqualTo("/apply/" + draft + "/" + expectedNext);
    }

    @Test
    void citizenAppliesFixesErrorsChangesAnAnswerAndSeesTheApplicationOnTheDashboard() {
        HttpResponse<String> home = ana.get("/");
        assertThat(home.body()).contains("href=\"/services/birth-certificate\"").contains("Civil").contains("href=\"/verify\"");
        HttpResponse<String> startPage = ana.get("/services/birth-certificate");
        assertThat(startPage.statusCode()).isEqualTo(200);
        assertThat(text(startPage.body())).contains("Start now").contains("working day").contains("Before you start");

        String d = start();
        HttpResponse<String> first = ana.get("/apply/" + d + "/for-whom");
        assertThat(first.body()).contains("<h1 class=\"govuk-fieldset__heading\">Who is the birth certificate for?</h1>");
        assertThat(CitizenBrowser.csrfTokens(first.body())).isNotEmpty();

        HttpResponse<String> empty = ana.post("/apply/" + d + "/for-whom");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("<title>Error: ").contains("govuk-error-summary").contains("href=\"#for-whom\"")
                .contains("govuk-form-group--error").contains("id=\"for-whom\"").contains("aria-describedby=\"for-whom-error\"")
                .contains("Select who the birth certificate is for");

        answer(d, "for-whom", "child-name", "for-whom", "child");
        answer(d, "child-name", "child-birth-date", "child-name", "Bora Hoxha");
        HttpResponse<String> unreal = ana.post("/apply/" + d + "/child-birth-date",
                "child-birth-date-day", "31", "child-birth-date-month", "2", "child-birth-date-year", "2020");
        assertThat(unreal.statusCode()).isEqualTo(400);
        assertThat(unreal.body()).contains("Enter a real date").contains("href=\"#child-birth-date\"")
                .contains("value=\"31\"").contains("value=\"02\"").contains("value=\"2020\"");
        answer(d, "child-birth-date", "child-personal-number",
                "child-birth-date-day", "3", "child-birth-date-month", "4", "child-birth-date-year", "2019");
        answer(d, "child-personal-number", "reason", "child-personal-number", "");
        answer(d, "reason", "language", "reason", "school");
        answer(d, "language", "check", "language", "sq");

        HttpResponse<String> check = ana.get("/apply/" + d + "/check");
        assertThat(check.statusCode()).isEqualTo(200);
        assertThat(text(check.body())).contains("Bora Hoxha").contains("3 April 2019").contains("Albanian").contains("Accept and send");
        assertThat(check.body()).contains("href=\"/apply/" + d + "/language?return=check\"");

        HttpResponse<String> change = ana.get("/apply/" + d + "/language?return=check");
        assertThat(change.body()).contains("href=\"/apply/" + d + "/check\" class=\"govuk-back-link\"")
                .contains("action=\"/apply/" + d + "/language?return=check\"");
        answer(d, "language?return=check", "check", "language", "multilingual");
        // A changed answer that opens a page not yet answered asks it before returning to the check.
        answer(d, "reason?return=check", "reason-details?return=check", "reason", "other");
        answer(d, "reason-details?return=check", "check", "reason-details", "For my child's swimming club");
        assertThat(text(ana.get("/apply/" + d + "/check").body())).contains("Multilingual").contains("swimming club");

        HttpResponse<String> sent = ana.post("/apply/" + d + "/check");
        assertThat(sent.statusCode()).isEqualTo(303);
        assertThat(location(sent)).isEqualTo("/apply/" + d + "/done");
        HttpResponse<String> done = ana.get("/apply/" + d + "/done");
        assertThat(done.body()).contains("govuk-panel--confirmation");
        Matcher ref = Pattern.compile("<strong id=\"reference\">(KAL-[0-9A-Z]{4}-[0-9A-Z]{4})</strong>").matcher(done.body());
        assertThat(ref.find()).isTrue();
        assertThat(References.valid(ref.group(1))).isTrue();
        Application a = applications.mine(ana.who, ana.account.id(), ref.group(1));
        assertThat(a.status()).isEqualTo(Status.SUBMITTED);
        assertThat(a.personalNumber()).isEqualTo("J85117101S");
        assertThat(a.answers()).containsEntry("child-name", List.of("Bora Hoxha")).containsEntry("language", List.of("multilingual"))
                .doesNotContainKey("child-personal-number");
        assertThat(text(done.body())).contains("What happens next").contains(CitizenViews.date(a.due())).contains("inbox");

        HttpResponse<String> dashboard = ana.get("/account");
        assertThat(dashboard.body()).contains(a.ref()).contains("govuk-tag--blue\">Submitted")
                .doesNotContain("Applications you have not finished");
        HttpResponse<String> page = ana.get("/account/applications/" + a.ref());
        assertThat(text(page.body())).contains("Bora Hoxha").contains("Application sent").contains("Submitted");
    }

    @Test
    void pressingSendTwiceMakesOneApplication() {
        String d = completeDraft();
        HttpResponse<String> first = ana.post("/apply/" + d + "/check");
        HttpResponse<String> again = ana.post("/apply/" + d + "/check");

        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(again.statusCode()).isEqualTo(303);
        assertThat(location(again)).isEqualTo(location(first));
        assertThat(applications.ofApplicant(ana.who, ana.account.id())).hasSize(1);
        assertThat(ana.get("/apply/" + d + "/done").statusCode()).isEqualTo(200);
    }

    @Test
    void anUnfinishedApplicationResumesAtTheFirstUnansweredPageAndCanBeDeleted() {
        String d = start();
        answer(d, "for-whom", "reason", "for-whom", "self");

        HttpResponse<String> dashboard = ana.get("/account");
        assertThat(text(dashboard.body())).contains("Applications you have not finished").contains("Apply for a birth certificate");
        assertThat(dashboard.body()).contains("href=\"/apply/" + d + "\"").contains("action=\"/apply/" + d + "/delete\"");
        HttpResponse<String> resume = ana.get("/apply/" + d);
        assertThat(location(resume)).isEqualTo("/apply/" + d + "/reason");
        assertThat(ana.get("/apply/" + d + "/check").headers().firstValue("Location")).contains("/apply/" + d + "/reason");
        assertThat(text(ana.get("/services/birth-certificate").body())).contains("Continue that application");

        HttpResponse<String> deleted = ana.post("/apply/" + d + "/delete");
        assertThat(location(deleted)).isEqualTo("/account?deleted=1");
        assertThat(drafts.find(ana.who, ana.account.id(), d)).isEmpty();
        assertThat(ana.get("/account").body()).doesNotContain("/apply/" + d);
        assertThat(ana.get("/apply/" + d + "/reason").statusCode()).isEqualTo(404);
    }

    @Test
    void inSafeModeSendingShowsTheUnavailablePageKeepsTheDraftAndReadingStillWorks() {
        String d = completeDraft();
        fx.engine.barrier().close("test");

        HttpResponse<String> send = ana.post("/apply/" + d + "/check");
        assertThat(send.statusCode()).isEqualTo(503);
        assertThat(text(send.body())).contains("Sorry, the service is unavailable").contains("saved the answers");
        HttpResponse<String> save = ana.post("/apply/" + d + "/language", "language", "sq");
        assertThat(save.statusCode()).isEqualTo(503);
        assertThat(ana.post("/services/birth-certificate/start").statusCode()).isEqualTo(503);

        assertThat(drafts.get(ana.who, ana.account.id(), d).values("language")).containsExactly("multilingual");
        HttpResponse<String> dashboard = ana.get("/account");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("kalaja-safe-mode").contains("href=\"/apply/" + d + "\"");
        assertThat(ana.get("/apply/" + d + "/check").statusCode()).isEqualTo(200);
        assertThat(applications.ofApplicant(ana.who, ana.account.id())).isEmpty();

        fx.engine.barrier().open();
        assertThat(ana.post("/apply/" + d + "/check").statusCode()).isEqualTo(303);
        assertThat(applications.ofApplicant(ana.who, ana.account.id())).hasSize(1);
    }

    @Test
    void aVisitorWhoIsNotSignedInIsSentToSignInAndCannotStart() throws Exception {
        var http = CitizenBrowser.anonymous();
        HttpResponse<String> startPage = http.send(HttpRequest.newBuilder(URI.create(base + "/services/birth-certificate")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(startPage.body()).contains("href=\"/sign-in?next=/services/birth-certificate\"").doesNotContain("/start\"");
        HttpResponse<String> account = http.send(HttpRequest.newBuilder(URI.create(base + "/account")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(account.statusCode()).isEqualTo(302);
        assertThat(location(account)).isEqualTo("/sign-in?next=%2Faccount");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/services/no-such-service")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    private String completeDraft() {
        String d = start();
        answer(d, "for-whom", "reason", "for-whom", "self");
        answer(d, "reason", "language", "reason", "abroad");
        answer(d, "language", "check", "language", "multilingual");
        return d;
    }
}
