package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.DecisionsSeed;
import org.kalaja.portal.cases.Message;
import org.kalaja.portal.cases.Status;
import org.kalaja.portal.seal.SealedDocument;
import org.kalaja.portal.store.Who;

class ClerkPagesTest {
    static final Who ANA = new Who("citizen:ana", "Ana Hoxha", "citizen", "127.0.0.1", "test");
    static final Who CIVIL_WHO = new Who("clerk:c-civil", "Elira Civil", "clerk", "127.0.0.1", "test");

    @TempDir
    Path dir;
    PortalFixture fx;
    String base;
    ClerkBrowser civil;
    ClerkBrowser tirana;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        base = fx.serve();
        civil = browser(base, "c-civil", "clerk", "civil-registry", "Elira Civil");
        tirana = browser(base, "c-tirana", "clerk", "tirana-municipality", "Teuta Tirana");
    }

    private ClerkBrowser browser(String base, String account, String role, @Nullable String institution, String name) {
        return new ClerkBrowser(base, fx.portal.sessions(), fx.portal.sessions().start(account, role, institution, name, true));
    }

    @AfterEach
    void close() {
        fx.close();
    }

    private Application current(Application a) {
        Who clerk = a.institution().equals("civil-registry") ? CIVIL_WHO : new Who("clerk:c-tirana", "", "clerk", "", "");
        return fx.portal.decisions().get(clerk, a.institution(), a.ref());
    }

    private static String path(Application a) {
        return "/clerk/applications/" + a.ref();
    }

    private static Map<String, String> version(Application a, String field, String text) {
        return Map.of("version", Long.toString(a.version()), field, text);
    }

    @Test
    void queueShowsOnlyTheClerksInstitution() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        Application permit = DecisionsSeed.permit(fx.records(), "ben");

        HttpResponse<String> page = civil.get("/clerk");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(birth.ref()).doesNotContain(permit.ref()).contains("General Directorate of Civil Status")
                .contains("name=\"ref\" type=\"checkbox\" value=\"" + birth.ref() + "\"");
        assertThat(tirana.get("/clerk").body()).contains(permit.ref()).doesNotContain(birth.ref());
    }

    @Test
    void clerkOfAnotherInstitutionGetsNotFoundAndChangesNothing() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");

        assertThat(tirana.get(path(birth)).statusCode()).isEqualTo(404);
        assertThat(tirana.get(path(birth)).body()).doesNotContain("Ana Hoxha");
        assertThat(tirana.post(path(birth) + "/approve", version(birth, "note", "")).statusCode()).isEqualTo(404);
        assertThat(tirana.post(path(birth) + "/reject", version(birth, "reason", "No")).statusCode()).isEqualTo(404);
        assertThat(tirana.post("/clerk/bulk", List.of(Map.entry("ref", birth.ref()), Map.entry("action", "approve"))).body())
                .contains("Not found");

        Application after = current(birth);
        assertThat(after.version()).isEqualTo(birth.version());
        assertThat(after.status()).isEqualTo(Status.SUBMITTED);
    }

    @Test
    void peopleWhoAreNotStaffCannotOpenTheQueue() throws Exception {
        DecisionsSeed.birth(fx.records(), "ana");
        ClerkBrowser citizen = new ClerkBrowser(base, fx.portal.sessions(),
                fx.portal.sessions().start("ana", "citizen", null, "Ana Hoxha", true));
        ClerkBrowser anonymous = new ClerkBrowser(base, fx.portal.sessions(), null);

        assertThat(citizen.get("/clerk").statusCode()).isEqualTo(403);
        HttpResponse<String> redirect = anonymous.get("/clerk");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/sign-in"));
    }

    @Test
    void anAdminChoosesTheInstitutionAndDecidesWithinIt() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        ClerkBrowser admin = browser(base, "a-admin", "admin", null, "Admin");

        assertThat(admin.get("/clerk").body()).contains("Choose an institution").contains("href=\"/clerk?institution=civil-registry\"");
        HttpResponse<String> queue = admin.get("/clerk?institution=civil-registry");
        assertThat(queue.body()).contains("href=\"/clerk/applications/" + birth.ref() + "?institution=civil-registry\"")
                .contains("action=\"/clerk/bulk?institution=civil-registry\"");
        assertThat(admin.get(path(birth)).statusCode()).isEqualTo(404);

        HttpResponse<String> approved = admin.post(path(birth) + "/approve?institution=civil-registry", version(birth, "note", ""));
        assertThat(approved.statusCode()).isEqualTo(303);
        assertThat(approved.headers().firstValue("Location")).hasValue(path(birth) + "?institution=civil-registry&done=approve");
        assertThat(current(birth).history()).extracting(Application.Event::actor).containsExactly("citizen:ana", "admin:a-admin");
    }

    @Test
    void twoStepServiceNeedsTwoApprovalsAndThenOffersTheDocument() throws Exception {
        Application permit = DecisionsSeed.permit(fx.records(), "ben");
        assertThat(tirana.get(path(permit)).body()).contains("Step 1 of 2: Technical review by the Directorate of Urban Planning")
                .contains("8270").doesNotContain("Issue the building permit");

        HttpResponse<String> first = tirana.post(path(permit) + "/approve", version(permit, "note", "Matches the zoning plan."));
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue(path(permit) + "?done=approve");
        HttpResponse<String> after = tirana.get(first.headers().firstValue("Location").orElseThrow());
        assertThat(after.body()).contains("govuk-notification-banner--success").contains("Approval step recorded")
                .contains("Step 2 of 2: Approval by the Mayor of Tirana").contains("Matches the zoning plan.");

        Application inReview = current(permit);
        assertThat(inReview.status()).isEqualTo(Status.IN_REVIEW);
        assertThat(tirana.post(path(permit) + "/approve", version(inReview, "note", "")).statusCode()).isEqualTo(303);
        assertThat(current(permit).status()).isEqualTo(Status.APPROVED);
        assertThat(tirana.get(path(permit)).body()).contains("Issue the building permit");
    }

    @Test
    void rejectingWithoutAReasonShowsTheErrorSummaryAndChangesNothing() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");

        HttpResponse<String> page = civil.post(path(birth) + "/reject", version(birth, "reason", "   "));

        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("<title>Error: ").contains("govuk-error-summary")
                .contains("<a href=\"#reason\">Enter the reason for rejecting the application</a>")
                .contains("id=\"reason-error\"").contains("aria-describedby=\"reason-hint reason-error\"");
        assertThat(current(birth).version()).isEqualTo(birth.version());
    }

    @Test
    void aDecisionOnAStaleVersionShowsTheConflictAndOneDecisionIsRecorded() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        ClerkBrowser colleague = browser(base, "c-civil2", "clerk", "civil-registry", "Arben Civil");

        assertThat(colleague.post(path(birth) + "/approve", version(birth, "note", "")).statusCode()).isEqualTo(303);
        HttpResponse<String> stale = civil.post(path(birth) + "/reject", version(birth, "reason", "Missing the birth record"));

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("Another clerk changed this application. Review it again.").contains("Approved");
        assertThat(current(birth).history()).extracting(Application.Event::action).containsExactly("submitted", "approved");
    }

    @Test
    void bulkApprovalListsEveryApplicationsOutcome() throws Exception {
        List<Application> apps = new ArrayList<>();
        for (int i = 0; i < 3; i++) apps.add(DecisionsSeed.birth(fx.records(), "ana"));
        Application rejected = fx.portal.decisions().reject(CIVIL_WHO, "civil-registry", apps.get(1).ref(), apps.get(1).version(),
                "Duplicate application");
        // The versions the queue's rows carry, as a clerk's browser sends them back.
        HttpResponse<String> queue = civil.get("/clerk?status=all");
        List<Map.Entry<String, String>> form = new ArrayList<>();
        for (Application a : apps) {
            form.add(Map.entry("ref", a.ref()));
            form.add(Map.entry("seen", seen(queue.body(), a.ref())));
        }
        form.add(Map.entry("action", "approve"));
        form.add(Map.entry("note", ""));

        HttpResponse<String> result = civil.post("/clerk/bulk", form);

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("2 of 3 applications approved").contains(apps.get(0).ref()).contains(apps.get(1).ref())
                .contains(apps.get(2).ref()).contains("Not allowed").contains("it cannot be approved");
        assertThat(current(apps.get(0)).status()).isEqualTo(Status.APPROVED);
        assertThat(current(apps.get(1)).version()).isEqualTo(rejected.version());
        assertThat(current(apps.get(2)).status()).isEqualTo(Status.APPROVED);
    }

    @Test
    void bulkWithoutSelectionOrReasonShowsErrors() throws Exception {
        Application a = DecisionsSeed.birth(fx.records(), "ana");

        HttpResponse<String> none = civil.post("/clerk/bulk", List.of(Map.entry("action", "approve")));
        HttpResponse<String> noReason = civil.post("/clerk/bulk", List.of(Map.entry("ref", a.ref()), Map.entry("action", "reject")));

        assertThat(none.statusCode()).isEqualTo(400);
        // The error leads to the first row's checkbox, which the message describes.
        assertThat(none.body()).contains("<a href=\"#select-" + a.ref() + "\">Select the applications to decide</a>")
                .contains("id=\"select-" + a.ref() + "\"").contains("aria-describedby=\"applications-error\"")
                .contains("id=\"applications-error\"");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("<a href=\"#note\">Enter the reason for rejecting the applications</a>")
                .contains("value=\"" + a.ref() + "\" checked");
        assertThat(current(a).version()).isEqualTo(a.version());
    }

    @Test
    void issuingCreatesTheDocumentAndWritesToTheApplicant() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        Application approved = fx.portal.decisions().approve(CIVIL_WHO, "civil-registry", birth.ref(), birth.version(), "");

        HttpResponse<String> issued = civil.post(path(birth) + "/issue", Map.of("version", Long.toString(approved.version())));

        assertThat(issued.statusCode()).isEqualTo(303);
        Application after = current(birth);
        assertThat(after.status()).isEqualTo(Status.ISSUED);
        SealedDocument d = fx.portal.documents().forHolder(ANA, "ana", after.documentId());
        assertThat(d.title()).isEqualTo("Birth certificate");
        List<Message> letters = fx.portal.inbox().list(ANA, "ana");
        assertThat(letters.get(0).subject()).isEqualTo("Your birth certificate is ready");
        assertThat(civil.get(path(birth) + "?done=issue").body()).contains("Document issued").contains("/verify/" + d.id());
    }

    @Test
    void inSafeModeDecisionsShowTheUnavailablePageAndChangeNothing() throws Exception {
        Application birth = DecisionsSeed.birth(fx.records(), "ana");
        fx.engine.barrier().close("test");

        HttpResponse<String> approve = civil.post(path(birth) + "/approve", version(birth, "note", ""));
        HttpResponse<String> bulk = civil.post("/clerk/bulk", List.of(Map.entry("ref", birth.ref()), Map.entry("action", "approve")));

        assertThat(approve.statusCode()).isEqualTo(503);
        assertThat(approve.body()).contains("Deciding applications is paused").contains("nothing was changed");
        assertThat(bulk.statusCode()).isEqualTo(503);
        assertThat(current(birth).version()).isEqualTo(birth.version());
        HttpResponse<String> queue = civil.get("/clerk");
        assertThat(queue.statusCode()).isEqualTo(200);
        assertThat(queue.body()).contains(birth.ref()).contains("decisions are paused");
    }

    @Test
    void theQueueIsPagedFiftyApplicationsAtATime() throws Exception {
        Instant now = fx.records().clock().instant();
        for (int i = 0; i < 60; i++) {
            DecisionsSeed.submit(fx.records(), "civil-registry", "birth-certificate", "c" + i, "Citizen " + i, DecisionsSeed.BIRTH, now,
                    LocalDate.now(fx.records().clock()).plusDays(i % 10));
        }
        HttpResponse<String> first = civil.get("/clerk");
        assertThat(rows(first.body())).isEqualTo(50);
        Matcher next = Pattern.compile("href=\"([^\"]*)\" rel=\"next\"").matcher(first.body());
        assertThat(next.find()).isTrue();

        HttpResponse<String> second = civil.get(next.group(1).replace("&amp;", "&"));
        assertThat(rows(second.body())).isEqualTo(10);
        assertThat(second.body()).doesNotContain("rel=\"next\"").contains("First page");
    }

    private static int rows(String html) {
        return html.split("name=\"ref\" type=\"checkbox\"", -1).length - 1;
    }

    private static String seen(String html, String ref) {
        Matcher m = Pattern.compile("name=\"seen\" value=\"(" + Pattern.quote(ref) + "@[0-9]+)\"").matcher(html);
        if (!m.find()) throw new AssertionError("no row for " + ref);
        return m.group(1);
    }
}
