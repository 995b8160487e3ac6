package org.kalaja.portal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.kalaja.portal.web.CitizenBrowser.location;
import static org.kalaja.portal.web.CitizenBrowser.text;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kalaja.portal.PortalFixture;
import org.kalaja.portal.cases.Applicant;
import org.kalaja.portal.cases.Application;
import org.kalaja.portal.cases.ApplicationCodec;
import org.kalaja.portal.cases.Applications;
import org.kalaja.portal.cases.Draft;
import org.kalaja.portal.cases.Drafts;
import org.kalaja.portal.cases.Message;
import org.kalaja.portal.cases.Status;
import org.kalaja.portal.cases.Submission;
import org.kalaja.portal.store.Who;

/** The dashboard, application and inbox pages: who may see what, letters, questions, in and out of safe mode. */
class CitizenPagesTest {
    private static final Who CLERK = new Who("clerk:c1", "Clerk One", "clerk", "127.0.0.1", "test");

    @TempDir
    Path dir;
    PortalFixture fx;
    CitizenBrowser ana;
    CitizenBrowser ben;
    Drafts drafts;
    Applications applications;

    @BeforeEach
    void open() throws Exception {
        fx = PortalFixture.open(dir);
        String base = fx.serve();
        ana = CitizenBrowser.signIn(fx, base, "Ana Hoxha", "J85117101S", "ana@example.al");
        ben = CitizenBrowser.signIn(fx, base, "Ben Krasniqi", "I90202202B", "ben@example.al");
        drafts = new Drafts(fx.records());
        applications = new Applications(fx.records(), drafts, fx.portal.catalogue()::service);
    }

    @AfterEach
    void close() {
        fx.close();
    }

    /** Ana's unfinished birth certificate application, every question answered. */
    private Draft anasDraft() {
        Draft d = drafts.start(ana.who, ana.account.id(), "birth-certificate");
        return drafts.save(ana.who, ana.account.id(), d.id(), Map.of("for-whom", List.of("child"), "child-name", List.of("Bora Hoxha"),
                "child-birth-date", List.of("2019-04-03"), "child-personal-number", List.of(), "reason", List.of("school"),
                "language", List.of("sq")));
    }

    private Application anasApplication() {
        Submission s = applications.submit(ana.who, new Applicant(ana.account.id(), "Ana Hoxha", "J85117101S"), anasDraft().id());
        return ((Submission.Sent) s).application();
    }

    /** What the back office writes when a clerk decides (its own pages are tested in ClerkPagesTest). */
    private Application decide(Application a, Status status, String action, String note, @Nullable String documentId) {
        Instant now = Instant.now();
        List<Application.Event> history = new ArrayList<>(a.history());
        history.add(new Application.Event(now, CLERK.actor(), action, note));
        Application next = new Application(a.ref(), a.service(), a.institution(), a.applicant(), a.applicantName(), a.personalNumber(),
                status, a.answers(), a.stepsDone(), a.submitted(), now, a.due(), documentId, history, a.version());
        return ApplicationCodec.fromJson(fx.records().put(CLERK, ApplicationCodec.COLLECTION, a.key(), ApplicationCodec.toJson(next), a.version()));
    }

    private Message letterToAna(Application a) {
        return fx.portal.inbox().send(CLERK, ana.account.id(), a.institution(), "General Directorate of Civil Status",
                "Your application " + a.ref() + " was approved", "Dear Ana Hoxha,\n\nYour application was approved.\n\nCivil Status", a.ref());
    }

    @Test
    void anotherCitizenGetsNotFoundForTheApplicationTheLetterAndTheDraft() {
        Application a = anasApplication();
        Message m = letterToAna(a);
        Draft d = anasDraft();

        for (String path : List.of("/account/applications/" + a.ref(), "/inbox/" + m.id(), "/apply/" + d.id(), "/apply/" + d.id() + "/check",
                "/apply/" + d.id() + "/reason", "/apply/" + d.id() + "/done")) {
            HttpResponse<String> r = ben.get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.body()).as(path).doesNotContain("Bora Hoxha").doesNotContain(m.subject()).contains("Page not found");
        }
        assertThat(ben.post("/apply/" + d.id() + "/delete").statusCode()).isEqualTo(404);
        assertThat(ben.post("/apply/" + d.id() + "/reason", "reason", "court").statusCode()).isEqualTo(404);
        assertThat(ben.post("/apply/" + d.id() + "/check").statusCode()).isEqualTo(404);
        assertThat(ben.post("/account/applications/" + a.ref() + "/information", "answer", "x", "version", "1").statusCode()).isEqualTo(404);
        assertThat(ben.get("/account").body()).doesNotContain(a.ref()).doesNotContain("/apply/" + d.id());
        assertThat(ben.get("/inbox").body()).doesNotContain(m.subject());

        assertThat(drafts.get(ana.who, ana.account.id(), d.id()).values("reason")).containsExactly("school");
        assertThat(applications.ofApplicant(ana.who, ana.account.id())).hasSize(1);
        assertThat(ana.get("/account/applications/" + a.ref()).statusCode()).isEqualTo(200);
    }

    @Test
    void lettersAreListedNewestFirstAndOpeningOneMarksItRead() throws Exception {
        Application a = anasApplication();
        Message first = letterToAna(a);
        Thread.sleep(2);
        Message second = fx.portal.inbox().send(CLERK, ana.account.id(), "civil-registry", "General Directorate of Civil Status",
                "Your birth certificate is ready", "Download it under Documents: /documents/d-42.\n\nNot https://example.com/x.", a.ref());

        assertThat(text(ana.get("/account").body())).contains("You have 2 unread messages");
        String inbox = ana.get("/inbox").body();
        assertThat(inbox.indexOf(second.subject())).isLessThan(inbox.indexOf(first.subject()));
        assertThat(inbox).contains("href=\"/inbox/" + first.id() + "\"").contains(">New<");

        HttpResponse<String> opened = ana.get("/inbox/" + first.id());
        assertThat(opened.statusCode()).isEqualTo(200);
        assertThat(opened.body()).contains("<h1 class=\"govuk-heading-l\">" + first.subject() + "</h1>")
                .contains("<p class=\"govuk-body kalaja-pre\">Your application was approved.</p>")
                .contains("href=\"/account/applications/" + a.ref() + "\"");
        assertThat(text(ana.get("/account").body())).contains("You have 1 unread message");
        // The portal's own paths in a letter become links; nothing else does.
        assertThat(ana.get("/inbox/" + second.id()).body())
                .contains("Download it under Documents: <a class=\"govuk-link\" href=\"/documents/d-42\">/documents/d-42</a>.")
                .contains("Not https://example.com/x.").doesNotContain("href=\"https://example.com");
    }

    @Test
    void inSafeModeLettersAndApplicationsStillOpenAndAnsweringIsUnavailable() {
        Application a = anasApplication();
        Message m = letterToAna(a);
        Application asked = decide(a, Status.INFORMATION_REQUESTED, "information_requested", "Which hospital?", null);
        fx.engine.barrier().close("test");

        HttpResponse<String> letter = ana.get("/inbox/" + m.id());
        assertThat(letter.statusCode()).isEqualTo(200);
        assertThat(letter.body()).contains(m.subject()).contains("kalaja-safe-mode");
        assertThat(ana.get("/account/applications/" + a.ref()).statusCode()).isEqualTo(200);
        HttpResponse<String> answer = ana.post("/account/applications/" + a.ref() + "/information", "answer", "Mother Teresa",
                "version", Long.toString(asked.version()));
        assertThat(answer.statusCode()).isEqualTo(503);
        assertThat(text(answer.body())).contains("Sorry, the service is unavailable");

        fx.engine.barrier().open();
        assertThat(fx.portal.inbox().unread(ana.who, ana.account.id())).isEqualTo(1);
        assertThat(applications.mine(ana.who, ana.account.id(), a.ref()).status()).isEqualTo(Status.INFORMATION_REQUESTED);
    }

    @Test
    void theCitizenAnswersTheClerksQuestionAndTheApplicationGoesBack() {
        Application a = anasApplication();
        Application asked = decide(a, Status.INFORMATION_REQUESTED, "information_requested", "In which hospital was Bora born?", null);
        String path = "/account/applications/" + a.ref();

        HttpResponse<String> page = ana.get(path);
        assertThat(text(page.body())).contains("needs more information").contains("In which hospital was Bora born?");
        assertThat(page.body()).contains("action=\"" + path + "/information\"").contains("name=\"version\" value=\"" + asked.version() + "\"");

        HttpResponse<String> empty = ana.post(path + "/information", "answer", " ", "version", Long.toString(asked.version()));
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.body()).contains("<title>Error: ").contains("href=\"#answer\"").contains("govuk-form-group--error");
        HttpResponse<String> stale = ana.post(path + "/information", "answer", "Tirana", "version", Long.toString(a.version()));
        assertThat(stale.statusCode()).isEqualTo(409);
        // The page comes back with what she typed and the current version, so sending again works.
        assertThat(stale.body()).contains("The institution changed this application").contains("Tirana</textarea>")
                .contains("name=\"version\" value=\"" + asked.version() + "\"");

        HttpResponse<String> sent = ana.post(path + "/information", "answer", "Mother Teresa hospital, Tirana", "version",
                Long.toString(asked.version()));
        assertThat(location(sent)).isEqualTo(path + "?answered=1");
        String after = text(ana.get(path + "?answered=1").body());
        assertThat(after).contains("Your answer was sent").contains("Submitted").contains("Information sent")
                .contains("Mother Teresa hospital, Tirana").doesNotContain("Send your answer");
        assertThat(applications.mine(ana.who, ana.account.id(), a.ref()).history()).extracting(Application.Event::action)
                .containsExactly("submitted", "information_requested", "information_provided");
    }

    @Test
    void aRejectedApplicationShowsTheReasonAndAnIssuedOneLinksToTheDocument() {
        Application rejected = decide(anasApplication(), Status.REJECTED, "rejected", "The child is not in the civil register.", null);
        assertThat(text(ana.get("/account/applications/" + rejected.ref()).body()))
                .contains("Why your application was rejected").contains("The child is not in the civil register.");

        Application issued = decide(anasApplication(), Status.ISSUED, "issued", "", "doc-123");
        String page = ana.get("/account/applications/" + issued.ref()).body();
        assertThat(page).contains("href=\"/documents/doc-123\"").contains("Document issued");
        assertThat(ana.get("/account").body()).contains("govuk-tag--green\">Document issued").contains("govuk-tag--red\">Rejected");
    }
}
